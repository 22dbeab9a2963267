/// How a BACS answers an askFlex, by its level of flexibility: pure logic, given the asset, the
/// time and what was already accepted (no I/O, no clock of its own).
///
/// - Whatever the level, a request that cannot be right is a business error (422): an end not
///   after its start, an unknown asset, a product the asset does not offer, a power not
///   positive, a period entirely in the past (unless the BACS accepts them, as the emulator's data set does).
/// - **Level 1** commits to nothing (the seed: the BACS "indique seulement que la demande a été
///   reçue"): the answer is `recuSansEngagement`, with warnings when the request lies outside the
///   asset's activation periods or is longer than its longest activation. A power above the
///   asset's potential is the one volume check, and a business error.
/// - **Level 2** evaluates: accepted; refused with a reason (no `askingPrice`, a price below the
///   configured floor, outside the activation periods, longer than the longest activation, the
///   day's activations used up); or modified, when the power asked is above the potential: the
///   counter-proposal caps each step at it (version 1 modifies power only).
public struct FlexRequestEvaluator: Sendable {
    /// The level of flexibility a BACS implements.
    public enum Level: Int, Sendable, Hashable {
        case one = 1, two = 2
    }

    /// The answer to a request that passed the business checks.
    public enum Decision: Sendable, Hashable {
        /// Level 1: received, without commitment; what does not fit the potential is listed.
        case receivedWithoutCommitment(warnings: [String])
        /// Level 2: accepted as asked.
        case accepted
        /// Level 2: refused, with the reason.
        case refused(reason: String)
        /// Level 2: acceptable with the power of these steps instead.
        case modified(power: [PowerSlot])

        /// The `status` the API answers: `recuSansEngagement`, `accepted`, `refused`, `modified`.
        public var status: String {
            switch self {
            case .receivedWithoutCommitment: "recuSansEngagement"
            case .accepted: "accepted"
            case .refused: "refused"
            case .modified: "modified"
            }
        }
    }

    /// A request refused with 422: each problem, with the JSON path it is about.
    public struct BusinessError: Error, Sendable, Hashable, CustomStringConvertible {
        public var problems: [String]
        public var description: String { problems.joined(separator: "; ") }

        public init(problems: [String]) {
            self.problems = problems
        }
    }

    public let level: Level
    /// Level 2: the lowest price accepted, €/MWh (none: any price).
    public let minimumPrice: Double?
    /// Whether a period entirely in the past is evaluated instead of refused (``FlexBACS/acceptsPastPeriods``).
    public let acceptsPastPeriods: Bool

    public init(level: Level, minimumPrice: Double? = nil, acceptsPastPeriods: Bool = false) {
        self.level = level
        self.minimumPrice = minimumPrice
        self.acceptsPastPeriods = acceptsPastPeriods
    }

    /// The answer to `request` for the asset `assetID` (`asset`: its description, nil when the
    /// BACS has no such asset) at `now`; `activationsOnDay` gives how many requests the asset
    /// already accepted on a GMT day (days since the epoch).
    public func evaluate(
        _ request: FlexRequestBody, assetID: String, asset: FlexAsset?, now: FlexTime, activationsOnDay: (Int64) -> Int
    ) throws(BusinessError) -> Decision {
        var problems: [String] = []
        guard let asset else { throw BusinessError(problems: ["assetID: unknown asset \"\(assetID)\""]) }
        if request.flexProduct != asset.flexProduct {
            problems.append("flexProduct: the asset \(asset.id) offers \(asset.flexProduct.rawValue), not \(request.flexProduct.rawValue)")
        }
        for (index, slot) in request.power.enumerated() {
            if slot.end <= slot.start { problems.append("power[\(index)].end: \(slot.end) is not after its start \(slot.start)") }
            if !(slot.power.watts > 0) { problems.append("power[\(index)].power.value: the power must be positive") }
        }
        let start = request.power.map(\.start).min()!, end = request.power.map(\.end).max()!
        if end <= now, !acceptsPastPeriods { problems.append("power: the period \(start) to \(end) is entirely in the past (now \(now))") }
        guard problems.isEmpty else { throw BusinessError(problems: problems) }

        let potential = asset.potential(from: start, to: end)
        let capWatts = (potential ?? asset.potentials.first)?.power.watts ?? 0
        let tooMuch = request.power.indices.filter { request.power[$0].power.watts > capWatts }
        var misfits: [String] = []
        if potential == nil { misfits.append("outside the asset's activation periods") }
        if let longest = (potential ?? asset.potentials.first)?.maxDurationMinutes, (end.secondsSinceEpoch - start.secondsSinceEpoch) > Int64(longest) * 60 {
            misfits.append("longer than the asset's longest activation (\(longest) min)")
        }
        switch level {
        case .one:
            guard tooMuch.isEmpty else {
                throw BusinessError(problems: tooMuch.map { "power[\($0)].power: above the asset's potential (\(capWatts) W)" })
            }
            return .receivedWithoutCommitment(warnings: misfits)
        case .two:
            guard let price = request.askingPrice else { return .refused(reason: "no askingPrice: this BACS is level 2") }
            if let minimumPrice, price < minimumPrice { return .refused(reason: "askingPrice \(price) €/MWh is below \(minimumPrice) €/MWh") }
            if let misfit = misfits.first { return .refused(reason: misfit) }
            if let potential, activationsOnDay(start.dayNumber) >= potential.maxActivationsPerDay {
                return .refused(reason: "the asset's activations for the day are used up (\(potential.maxActivationsPerDay))")
            }
            guard tooMuch.isEmpty else {
                return .modified(power: request.power.map { slot in
                    var capped = slot
                    if slot.power.watts > capWatts { capped.power = FloatQuantity(watts: capWatts, like: slot.power) }
                    return capped
                })
            }
            return .accepted
        }
    }
}

/// The requests a BACS received, and the rules around them: pure state, given the time.
///
/// - A `requestID` seen again with the same body gets the first answer again (operators retry
///   once on a timeout); with another body it is a business error (422).
/// - A confirmation names a request of the same BACS and asset (else 404), with the same
///   product (else 422). A refused request cannot be confirmed; at level 2 an accepted or
///   modified request must be confirmed within an hour of its answer (the référentiel: "no
///   confirmation within 1 h of acceptance cancels the request"). Confirming again answers the
///   same.
/// - The day's activations of an asset are its level 2 requests accepted or modified that start
///   on that GMT day.
///
/// The adapter stores an entry before it answers (durable before answered); this book decides
/// what the entry and the answer are.
public struct FlexRequestBook: Sendable {
    /// One request and its answer.
    public struct Entry: Sendable, Hashable {
        public var bacsID: String
        public var assetID: String
        public var body: FlexRequestBody
        public var decision: FlexRequestEvaluator.Decision
        /// When it was answered.
        public var answeredAt: FlexTime
        /// When it was confirmed, if it was.
        public var confirmedAt: FlexTime?

        public var requestID: String { body.requestID ?? "" }
    }

    /// What an askFlex does to the book.
    public enum Asked: Sendable, Hashable {
        /// A new request: store it, then answer its decision.
        case new(Entry)
        /// A retry of a request already answered: answer the same again.
        case repeated(Entry)
    }

    /// What a confirmation does to the book.
    public enum Confirmed: Sendable, Hashable {
        /// Confirmed now: store it, then acknowledge.
        case new(Entry)
        /// Confirmed before: acknowledge again.
        case repeated(Entry)
    }

    /// Why a confirmation is refused.
    public enum ConfirmationError: Error, Sendable, Hashable, CustomStringConvertible {
        /// No such request for this BACS and asset (404).
        case unknownRequest(String)
        /// The request cannot be confirmed (422).
        case notConfirmable(String)

        public var description: String {
            switch self {
            case .unknownRequest(let id): "no flex request \"\(id)\" for this BACS and asset"
            case .notConfirmable(let reason): reason
            }
        }
    }

    /// How long after its answer a level 2 request may be confirmed.
    public static let confirmationDeadlineSeconds: Int64 = 3600

    private var entries: [Key: Entry] = [:]
    /// The level 2 requests accepted or modified, per asset and GMT day of their start.
    private var activationCounts: [ActivationKey: Int] = [:]

    private struct Key: Hashable, Sendable {
        var bacsID: String
        var requestID: String
    }

    private struct ActivationKey: Hashable, Sendable {
        var bacsID: String
        var assetID: String
        var day: Int64
    }

    public init(entries: [Entry] = []) {
        for entry in entries { record(entry) }
    }

    /// The entry of `requestID` at `bacsID`, if any.
    public func entry(bacsID: String, requestID: String) -> Entry? {
        entries[Key(bacsID: bacsID, requestID: requestID)]
    }

    /// Handles askFlex `body` (it has a `requestID`) for `assetID` of `bacsID` at `now`.
    public func ask(
        _ body: FlexRequestBody, bacsID: String, assetID: String, asset: FlexAsset?, evaluator: FlexRequestEvaluator, now: FlexTime
    ) throws(FlexRequestEvaluator.BusinessError) -> Asked {
        let requestID = body.requestID ?? ""
        if let known = entries[Key(bacsID: bacsID, requestID: requestID)] {
            guard known.assetID == assetID, known.body == body else {
                throw FlexRequestEvaluator.BusinessError(problems: ["requestID: \"\(requestID)\" was already used for another request"])
            }
            return .repeated(known)
        }
        let decision = try evaluator.evaluate(body, assetID: assetID, asset: asset, now: now) { day in
            activations(bacsID: bacsID, assetID: assetID, day: day)
        }
        return .new(Entry(bacsID: bacsID, assetID: assetID, body: body, decision: decision, answeredAt: now))
    }

    /// Handles the confirmation of `requestID` (`body` without a `requestID`) at `now`, at `level`.
    public func confirm(
        _ body: FlexRequestBody, requestID: String, bacsID: String, assetID: String, level: FlexRequestEvaluator.Level, now: FlexTime
    ) throws(ConfirmationError) -> Confirmed {
        guard let entry = entries[Key(bacsID: bacsID, requestID: requestID)], entry.assetID == assetID else {
            throw .unknownRequest(requestID)
        }
        if entry.confirmedAt != nil { return .repeated(entry) }
        guard body.flexProduct == entry.body.flexProduct else {
            throw .notConfirmable("flexProduct: the request was for \(entry.body.flexProduct.rawValue), not \(body.flexProduct.rawValue)")
        }
        if case .refused(let reason) = entry.decision { throw .notConfirmable("the request was refused (\(reason))") }
        if level == .two, now.secondsSinceEpoch - entry.answeredAt.secondsSinceEpoch > Self.confirmationDeadlineSeconds {
            throw .notConfirmable("the confirmation deadline passed (an hour after the answer, \(entry.answeredAt))")
        }
        var confirmed = entry
        confirmed.confirmedAt = now
        return .new(confirmed)
    }

    /// Records `entry`: a new request or its confirmation (the service records it before it is
    /// stored, so that a retry or another request of the same day arriving meanwhile sees it, and
    /// forgets it again if it cannot be stored).
    public mutating func record(_ entry: Entry) {
        let key = Key(bacsID: entry.bacsID, requestID: entry.requestID)
        if let previous = entries.updateValue(entry, forKey: key) { count(previous, by: -1) }
        count(entry, by: 1)
    }

    /// Forgets the request `requestID` of `bacsID` (its write failed).
    public mutating func remove(bacsID: String, requestID: String) {
        if let previous = entries.removeValue(forKey: Key(bacsID: bacsID, requestID: requestID)) { count(previous, by: -1) }
    }

    /// The asset's level 2 requests accepted or modified that start on GMT day `day`.
    public func activations(bacsID: String, assetID: String, day: Int64) -> Int {
        activationCounts[ActivationKey(bacsID: bacsID, assetID: assetID, day: day)] ?? 0
    }

    private mutating func count(_ entry: Entry, by change: Int) {
        switch entry.decision {
        case .accepted, .modified: break
        case .refused, .receivedWithoutCommitment: return
        }
        guard let start = entry.body.power.map(\.start).min() else { return }
        activationCounts[ActivationKey(bacsID: entry.bacsID, assetID: entry.assetID, day: start.dayNumber), default: 0] += change
    }
}

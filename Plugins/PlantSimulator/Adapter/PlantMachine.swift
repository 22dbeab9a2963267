import AdapterKit

extension StatusState {
    /// The plant exports what its profile gives.
    static let producing = StatusState(rawValue: "producing")
    /// The plant obeys a curtailment: its export is held at or below a limit.
    static let curtailed = StatusState(rawValue: "curtailed")
}

/// The plant's obedience to curtailment orders as one state machine: commands and ticks in; the
/// power to publish, the status changes and the acks out, in order. No I/O and no clock: each input
/// carries its time.
///
/// - `curtail` holds the export at 0 W, or at most at the command's `value` (W) when it has one;
///   a later `curtail` replaces the limit.
/// - `release` returns to the profile (also `executed` when nothing was curtailed).
/// - A command applies when it is received: its `valid_from` is not waited for. A curtailment
///   whose command has a `valid_until` ends on its own at the first tick from that time.
/// - Refused (`rejected`, nothing changes): a `target` that is neither the instance id nor the
///   device id, a `valid_until` already past, an unknown action, a limit that is negative, not a
///   number or not in W.
struct PlantMachine: Sendable {
    /// What to carry out.
    enum Action: Sendable, Hashable {
        /// Publish the plant's active power export, in W.
        case measure(watts: Double)
        /// Publish the plant's state (it changed).
        case status(StatusState, detail: String)
        /// Answer command `commandID`.
        case answer(commandID: String, AckOutcome, detail: String)
    }

    /// A curtailment in force.
    struct Curtailment: Sendable, Hashable {
        /// The command that ordered it.
        var commandID: String
        /// The most the plant exports, W.
        var limitW: Double
        /// When it ends on its own (the command's `valid_until`).
        var until: EventTime?
    }

    /// The power before curtailment.
    let profile: PowerProfile
    /// The names a command's `target` may give: the instance id and the device id.
    let names: Set<String>
    /// The curtailment in force, nil while producing from the profile.
    private(set) var curtailment: Curtailment?

    /// A plant producing from `profile`, which commands address by one of `names`.
    init(profile: PowerProfile, names: Set<String>) {
        self.profile = profile
        self.names = names
    }

    /// The power the plant exports at `time`: the profile's, under the curtailment's limit.
    func watts(at time: EventTime) -> Double {
        let available = profile.watts(at: time)
        guard let curtailment else { return available }
        return min(available, curtailment.limitW)
    }

    // MARK: Inputs

    /// At start: the plant announces that it produces, and its power.
    func start(at time: EventTime) -> [Action] {
        [.status(.producing, detail: "producing from the \(profile.shape.rawValue) profile"), .measure(watts: watts(at: time))]
    }

    /// The measurement interval elapsed: ends a curtailment past its `valid_until`, then measures.
    mutating func tick(at time: EventTime) -> [Action] {
        var actions: [Action] = []
        if let ended = curtailment, let until = ended.until, until <= time {
            curtailment = nil
            actions.append(.status(.producing, detail: "curtailment \(ended.commandID) ended at its valid_until \(until)"))
        }
        actions.append(.measure(watts: watts(at: time)))
        return actions
    }

    /// A command arrived at `time`: applied at once (the power is measured again) and answered
    /// `executed`, or `rejected` with the reason.
    mutating func commanded(_ command: EnergyCommand, at time: EventTime) -> [Action] {
        func reject(_ reason: String) -> [Action] { [.answer(commandID: command.id, .rejected, detail: reason)] }
        guard names.contains(command.target) else {
            return reject("target \"\(command.target)\" is not this plant (\(names.sorted().joined(separator: " or ")))")
        }
        let until = command.hasValidUntil ? EventTime(command.validUntil) : nil
        if let until, until <= time { return reject("expired: valid until \(until), received at \(time)") }

        let before = curtailment
        let done: String
        switch command.action {
        case "curtail":
            guard let limit = Self.limit(of: command) else {
                return reject("the limit must be a number of W at or above 0 (value \(command.value), unit \"\(command.unit)\")")
            }
            curtailment = Curtailment(commandID: command.id, limitW: limit, until: until)
            done = limit == 0 ? "curtailed to 0 W" : "limited to \(limit) W"
        case "release":
            curtailment = nil
            done = before == nil ? "not curtailed: producing from the profile" : "released: producing from the profile"
        default:
            return reject("unknown action \"\(command.action)\": this plant takes curtail and release")
        }

        let power = watts(at: time)
        var actions: [Action] = [.measure(watts: power)]
        if before?.limitW != curtailment?.limitW {
            actions.append(curtailment == nil ? .status(.producing, detail: "released by \(command.id)") : .status(.curtailed, detail: "\(done) by \(command.id)"))
        }
        actions.append(.answer(commandID: command.id, .executed, detail: "\(done); exporting \(power) W"))
        return actions
    }

    /// The limit a `curtail` orders: its `value` in W, else 0; nil when the value is unusable.
    private static func limit(of command: EnergyCommand) -> Double? {
        guard command.hasValue else { return 0 }
        guard command.unit.isEmpty || command.unit == "W", command.value.isFinite, command.value >= 0 else { return nil }
        return command.value
    }
}

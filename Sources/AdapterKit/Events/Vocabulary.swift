/// How an adapter answered a command: the values of a `command_ack`'s `outcome`.
public enum AckOutcome: String, Sendable, Hashable, CaseIterable, Codable {
    /// Taken, to be carried out (or under way).
    case accepted
    /// Refused: nothing was done (not allowed, nothing to do, malformed).
    case rejected
    /// Carried out.
    case executed
    /// Tried and failed: the state may need an operator.
    case failed
}

/// The state names of `status` events. Extensible: an adapter may add its own names, but uses
/// these for the situations they describe.
public struct StatusState: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Data arrives from the device or peer.
    public static let receiving = StatusState(rawValue: "receiving")
    /// The device or peer stopped sending (a link timeout).
    public static let linkLost = StatusState(rawValue: "link_lost")
    /// Ready to act (a protection armed).
    public static let armed = StatusState(rawValue: "armed")
    /// A protection acted (loads shed) and holds.
    public static let tripped = StatusState(rawValue: "tripped")
    /// The site or device is available.
    public static let available = StatusState(rawValue: "available")
    /// The site or device is not available.
    public static let unavailable = StatusState(rawValue: "unavailable")

    public var description: String { rawValue }
}

extension EnergyAlarm {
    /// An alarm raised (`active`) or cleared.
    public init(code: String, severity: AlarmSeverity, message: String, active: Bool) {
        self.init()
        self.code = code
        self.severity = severity.rawValue
        self.message = message
        self.active = active
    }

    /// The severity, when it is one of the vocabulary's.
    public var alarmSeverity: AlarmSeverity? { AlarmSeverity(rawValue: severity) }
}

extension EnergyCommandAck {
    /// The answer to command `id`.
    public init(id: String, outcome: AckOutcome, detail: String) {
        self.init()
        self.id = id
        self.outcome = outcome.rawValue
        self.detail = detail
    }

    /// The outcome, when it is one of the vocabulary's.
    public var ackOutcome: AckOutcome? { AckOutcome(rawValue: outcome) }
}

extension EnergyStatus {
    /// A status.
    public init(available: Bool, state: StatusState, detail: String = "") {
        self.init()
        self.available = available
        self.state = state.rawValue
        self.detail = detail
    }
}

/// The kind of an event, which names its payload's schema.
///
/// An open set: adapters may define their own kinds (with their own payload encoding); the
/// ones below are the normalized vocabulary of docs/events.md.
public struct EventKind: RawRepresentable, Sendable, Hashable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    public var description: String { rawValue }

    /// Values of one device at one instant (``EnergyMeasurement``).
    public static let measurement: EventKind = "measurement"
    /// An order to a target (``EnergyCommand``).
    public static let command: EventKind = "command"
    /// The outcome of a command (``EnergyCommandAck``).
    public static let commandAck: EventKind = "command_ack"
    /// Orders with revisions (``EnergySchedule``).
    public static let schedule: EventKind = "schedule"
    /// A flexibility request (``EnergyFlexRequest``).
    public static let flexRequest: EventKind = "flex_request"
    /// The answer to a flexibility request (``EnergyFlexConfirmation``).
    public static let flexConfirmation: EventKind = "flex_confirmation"
    /// What a flexibility activation delivered (``EnergyFlexRealization``).
    public static let flexRealization: EventKind = "flex_realization"
    /// A tariff period or price (``EnergyTariffSignal``).
    public static let tariffSignal: EventKind = "tariff_signal"
    /// A condition needing attention (``EnergyAlarm``).
    public static let alarm: EventKind = "alarm"
    /// Availability and state (``EnergyStatus``).
    public static let status: EventKind = "status"
}

/// The alarms an instance has raised, so that each is raised once and cleared once: a condition
/// that persists does not raise its alarm again, a clear without a raise publishes nothing, and a
/// raise at another severity (a warning becoming critical) is published as the new level.
///
/// ```swift
/// if let alarm = alarms.raise("link_lost", severity: .critical, "no frame for 10 s") { publish(alarm) }
/// if let alarm = alarms.clear("link_lost", "frames received again") { publish(alarm) }
/// ```
///
/// A value type: keep it in the adapter's state (behind its lock, or in its state machine).
public struct AlarmSet: Sendable, Hashable {
    /// The raised alarms, by code (and subject).
    public private(set) var active: [String: EnergyAlarm] = [:]

    /// No alarm raised.
    public init() {}

    /// Whether `code` (for `subject`, when the same code is raised for several) is raised.
    public func isActive(_ code: String, for subject: String? = nil) -> Bool { active[Self.key(code, subject)] != nil }

    /// The alarm to publish when `code` (for `subject`: a point, a device, when one code is raised
    /// for several) is not raised yet, or raised at another severity; nil when it is already raised
    /// at this severity.
    public mutating func raise(_ code: String, for subject: String? = nil, severity: AlarmSeverity, _ message: String) -> EnergyAlarm? {
        let key = Self.key(code, subject)
        if let current = active[key], current.severity == severity.rawValue { return nil }
        let alarm = EnergyAlarm(code: code, severity: severity, message: message, active: true)
        active[key] = alarm
        return alarm
    }

    /// The clearing alarm (severity `info`) to publish when `code` (for `subject`) is raised; nil
    /// otherwise.
    public mutating func clear(_ code: String, for subject: String? = nil, _ message: String) -> EnergyAlarm? {
        guard active.removeValue(forKey: Self.key(code, subject)) != nil else { return nil }
        return EnergyAlarm(code: code, severity: .info, message: message, active: false)
    }

    private static func key(_ code: String, _ subject: String?) -> String {
        subject.map { "\(code)\u{0}\($0)" } ?? code
    }
}

/// How serious an `alarm` is: the values of its `severity` field.
public enum AlarmSeverity: String, Sendable, Hashable, CaseIterable, Codable {
    /// Worth knowing; also the severity of a cleared alarm.
    case info
    /// Needs attention soon.
    case warning
    /// Needs attention now (a safety function impaired, data about to be lost).
    case critical
}

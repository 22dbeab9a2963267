/// One frequency value from one measurement point.
public struct FrequencySample: Sendable, Hashable {
    /// The frequencies a sample may have; anything else is a faulty measurement (42.5 – 57.5 Hz).
    public static let validRange = Millihertz(42_500)...Millihertz(57_500)

    /// The measurement point (a configured input, e.g. one per source substation).
    public var point: String
    /// When it was measured, since the Unix epoch (UTC).
    public var time: Duration
    /// The frequency.
    public var frequency: Millihertz
    /// Whether the device flagged it valid (`quality: valid`).
    public var isFlaggedValid: Bool

    public init(point: String, time: Duration, frequency: Millihertz, isFlaggedValid: Bool = true) {
        self.point = point
        self.time = time
        self.frequency = frequency
        self.isFlaggedValid = isFlaggedValid
    }
}

/// A frequency in whole millihertz (49.820 Hz is 49 820): the trigger stores and compares
/// frequencies as integers, never as floating point.
public struct Millihertz: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The frequency in mHz.
    public var value: Int

    public init(_ value: Int) {
        self.value = value
    }

    /// The nearest millihertz to `hertz`; nil for a value that is not finite.
    public init?(hertz: Double) {
        guard hertz.isFinite, abs(hertz) < 1e9 else { return nil }
        value = Int((hertz * 1000).rounded())
    }

    /// The frequency in hertz (for reports).
    public var hertz: Double { Double(value) / 1000 }

    public static func < (lhs: Millihertz, rhs: Millihertz) -> Bool { lhs.value < rhs.value }

    /// `49.820 Hz`.
    public var description: String {
        let sign = value < 0 ? "-" : ""
        let magnitude = abs(value)
        let fraction = String(magnitude % 1000)
        return "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction) Hz"
    }
}

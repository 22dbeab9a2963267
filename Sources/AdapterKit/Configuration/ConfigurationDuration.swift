/// A duration given in adapters.json as a number of seconds (keys ending in `_s`).
///
/// Decoded once into a `Duration`, so no adapter re-parses or re-scales it. Its range is the
/// schema's (`.number(minimum:maximum:)`), checked before decoding.
public struct Seconds: Decodable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The duration, to the nanosecond.
    public var duration: Duration

    /// A duration of `seconds` seconds.
    public init(_ seconds: Double) {
        self.duration = .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// Decodes a JSON number of seconds, at most about 292 years (`Duration`'s nanosecond range).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let seconds = try container.decode(Double.self)
        guard seconds.isFinite, abs(seconds) < 9.2e9 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(seconds) s is out of range")
        }
        self.init(seconds)
    }

    /// The duration in seconds, for messages and arithmetic.
    public var seconds: Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    public static func < (lhs: Seconds, rhs: Seconds) -> Bool { lhs.duration < rhs.duration }

    public var description: String { "\(seconds) s" }
}

/// A duration given in adapters.json as a whole number of milliseconds (keys ending in `_ms`).
public struct Milliseconds: Decodable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The duration.
    public var duration: Duration
    /// The number of milliseconds, as written.
    public var milliseconds: Int

    /// A duration of `milliseconds` ms.
    public init(_ milliseconds: Int) {
        self.milliseconds = milliseconds
        self.duration = .milliseconds(milliseconds)
    }

    /// Decodes a JSON integer of milliseconds.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(Int.self))
    }

    public static func < (lhs: Milliseconds, rhs: Milliseconds) -> Bool { lhs.milliseconds < rhs.milliseconds }

    public var description: String { "\(milliseconds) ms" }
}

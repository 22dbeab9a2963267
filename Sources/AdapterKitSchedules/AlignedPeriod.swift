public import AdapterKit

/// Periods aligned on the wall clock: 15 minutes start at :00, :15, :30 and :45 (UTC, which is
/// also Paris time for any length dividing an hour), 10 minutes at :00, :10... A length must
/// divide a day.
public struct AlignedPeriod: Sendable, Hashable {
    /// The length of each period.
    public let length: Duration
    private let nanoseconds: Int64

    /// Periods of `length`, which must be positive and divide 24 hours.
    public init(length: Duration) {
        let (seconds, attoseconds) = length.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        precondition(nanoseconds > 0 && (86_400 * 1_000_000_000) % nanoseconds == 0, "a period must divide a day: \(length)")
        self.length = length
        self.nanoseconds = nanoseconds
    }

    /// The period containing `time`, as `start..<end`.
    public func period(containing time: EventTime) -> Range<EventTime> {
        let start = ParisTime.floorDivide(time.nanosecondsSinceEpoch, nanoseconds) * nanoseconds
        return EventTime(nanosecondsSinceEpoch: start)..<EventTime(nanosecondsSinceEpoch: start + nanoseconds)
    }

    /// The first boundary strictly after `time`: when the next period starts.
    public func nextBoundary(after time: EventTime) -> EventTime {
        period(containing: time).upperBound
    }

    /// The periods that start in `start..<end`, each `start..<end`.
    public func periods(from start: EventTime, to end: EventTime) -> [Range<EventTime>] {
        var periods: [Range<EventTime>] = []
        var current = period(containing: start)
        if current.lowerBound < start { current = current.upperBound..<EventTime(nanosecondsSinceEpoch: current.upperBound.nanosecondsSinceEpoch + nanoseconds) }
        while current.lowerBound < end {
            periods.append(current)
            current = current.upperBound..<EventTime(nanosecondsSinceEpoch: current.upperBound.nanosecondsSinceEpoch + nanoseconds)
        }
        return periods
    }
}

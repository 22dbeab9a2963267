/// What an asset can shed, and when: the référentiel's `PotentielFlex`.
///
/// When it applies is either fixed windows (the emulator's data set: "from 2025-04-02T12:00:00
/// to 2025-04-02T14:00:00") or the référentiel's recurring form, a ``YearPeriod`` with
/// activation months, weekdays and GMT hours. An asset may list several; the first that matches
/// an instant applies (the référentiel's rule for overlaps).
public struct FlexPotential: Sendable, Hashable {
    /// The power the asset can shed.
    public var power: FloatQuantity
    /// Minutes between a confirmation and the start of the shedding (notification or
    /// mobilization delay; 60 by default).
    public var mobilizationDelayMinutes: Int
    /// The longest activation, in minutes from its start.
    public var maxDurationMinutes: Int
    /// Activations per GMT day (1 in version 1 of the API).
    public var maxActivationsPerDay: Int
    /// When the potential applies.
    public var availability: Availability

    /// A potential; the delays default to the référentiel's.
    public init(
        power: FloatQuantity, mobilizationDelayMinutes: Int = 60, maxDurationMinutes: Int,
        maxActivationsPerDay: Int = 1, availability: Availability
    ) {
        self.power = power
        self.mobilizationDelayMinutes = mobilizationDelayMinutes
        self.maxDurationMinutes = maxDurationMinutes
        self.maxActivationsPerDay = maxActivationsPerDay
        self.availability = availability
    }

    /// When a potential applies.
    public enum Availability: Sendable, Hashable {
        /// Fixed windows, each `start ..< end`.
        case windows([Window])
        /// Every hour listed, on the days of `months` and `weekdays` within `year`.
        case recurring(year: YearPeriod, months: Set<Int>, weekdays: Set<Int>, hours: Set<Int>)
    }

    /// A fixed window `start ..< end`.
    public struct Window: Sendable, Hashable {
        public var start: FlexTime
        public var end: FlexTime

        public init(start: FlexTime, end: FlexTime) {
            self.start = start
            self.end = end
        }
    }

    /// The days of a year a recurring potential applies on, `startDay` to `endDay` included
    /// (days since the epoch, GMT).
    public struct YearPeriod: Sendable, Hashable {
        public var startDay: Int64
        public var endDay: Int64

        public init(startDay: Int64, endDay: Int64) {
            self.startDay = startDay
            self.endDay = endDay
        }
    }

    /// Whether the whole of `start ..< end` lies where this potential applies: inside one
    /// window, or (recurring) every hour it touches is an activation hour of an allowed day.
    public func covers(from start: FlexTime, to end: FlexTime) -> Bool {
        guard start < end else { return false }
        switch availability {
        case .windows(let windows):
            return windows.contains { $0.start <= start && end <= $0.end }
        case .recurring(let year, let months, let weekdays, let hours):
            var hourStart = FlexTime(secondsSinceEpoch: start.secondsSinceEpoch - start.secondsSinceEpoch % 3600)
            while hourStart < end {
                guard (year.startDay...year.endDay).contains(hourStart.dayNumber), months.contains(hourStart.month),
                    weekdays.contains(hourStart.weekday), hours.contains(hourStart.hour)
                else { return false }
                hourStart = hourStart.adding(seconds: 3600)
            }
            return true
        }
    }
}

public import AdapterKit

/// Legal time in France (Europe/Paris): UTC+1 in winter, UTC+2 in summer, by the EU rule in force
/// since 1996 (summer time from the last Sunday of March 01:00 UTC to the last Sunday of October
/// 01:00 UTC). Coded in, so that gateways without time-zone data compute it the same way.
public enum ParisTime {
    /// When summer time starts and ends in `year`, in seconds since 1970 UTC.
    public static func summerTime(year: Int) -> (start: Int64, end: Int64) {
        (lastSunday(month: 3, year: year) * 86_400 + 3600, lastSunday(month: 10, year: year) * 86_400 + 3600)
    }

    /// The offset from UTC at `secondsSinceEpoch`, in hours (1 or 2).
    public static func utcOffsetHours(at secondsSinceEpoch: Int64) -> Int {
        let year = RFC3339.civil(fromDays: Int(floorDivide(secondsSinceEpoch, 86_400))).year
        let summer = summerTime(year: year)
        return secondsSinceEpoch >= summer.start && secondsSinceEpoch < summer.end ? 2 : 1
    }

    /// Seconds since 1970 UTC of a Paris wall time. The October hour that occurs twice is read as
    /// summer time; the March hour that does not exist as winter time.
    public static func secondsSinceEpoch(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64 {
        let local = Int64(RFC3339.daysFromCivil(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let asSummer = local - 7200
        let summer = summerTime(year: year)
        return asSummer >= summer.start && asSummer < summer.end ? asSummer : local - 3600
    }

    /// Days since 1970 of the last Sunday of `month`.
    static func lastSunday(month: Int, year: Int) -> Int64 {
        let last = RFC3339.daysFromCivil(year: year, month: month, day: RFC3339.daysIn(month: month, year: year))
        let weekday = ((last % 7) + 11) % 7  // 1970-01-01 was a Thursday; 0 = Sunday
        return Int64(last - weekday)
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
}

/// A day of legal time in France, from local midnight to the next: 24 hours, or 23 on the day
/// summer time starts and 25 on the day it ends, so 96, 92 or 100 quarter-hours (the market's
/// and the meters' settlement periods).
public struct ParisDay: Sendable, Hashable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A valid calendar day, or nil.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...RFC3339.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The Paris day containing `time`.
    public init(containing time: EventTime) {
        let seconds = ParisTime.floorDivide(time.nanosecondsSinceEpoch, 1_000_000_000)
        let local = seconds + Int64(ParisTime.utcOffsetHours(at: seconds)) * 3600
        let civil = RFC3339.civil(fromDays: Int(ParisTime.floorDivide(local, 86_400)))
        self.init(year: civil.year, month: civil.month, day: civil.day)!
    }

    /// Local midnight starting the day.
    public var start: EventTime { Self.time(ParisTime.secondsSinceEpoch(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)) }

    /// Local midnight ending the day (the next day's start).
    public var end: EventTime { next.start }

    /// The following day.
    public var next: ParisDay {
        let civil = RFC3339.civil(fromDays: RFC3339.daysFromCivil(year: year, month: month, day: day) + 1)
        return ParisDay(year: civil.year, month: civil.month, day: civil.day)!
    }

    /// Its length: 23, 24 or 25 hours.
    public var length: Duration { .nanoseconds(end.nanosecondsSinceEpoch - start.nanosecondsSinceEpoch) }

    /// Its quarter-hours in order, each `start..<end`: 92, 96 or 100.
    public var quarterHours: [Range<EventTime>] {
        AlignedPeriod(length: .seconds(900)).periods(from: start, to: end)
    }

    public var description: String {
        "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day) (Europe/Paris)"
    }

    private static func time(_ seconds: Int64) -> EventTime {
        EventTime(nanosecondsSinceEpoch: seconds * 1_000_000_000)
    }
}

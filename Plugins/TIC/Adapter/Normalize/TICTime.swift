import AdapterKit
import AdapterKitSchedules

/// A standard-mode horodate `SAAMMJJhhmmss`: a season letter, then the meter's local time
/// (54E §6.2.1.1). `E`/`e`: summer (UTC+2), `H`/`h`: winter (UTC+1), lowercase when the meter's
/// clock is degraded, SP when not applicable (`DPM1`, `FPM1`).
public struct TICHorodate: Sendable, Hashable {
    /// The season letter as sent.
    public var season: Character
    /// The local wall time it states.
    public var wallTime: TICWallTime

    /// Parses a horodate; nil unless it has a valid season letter and a valid date and time.
    public init?(_ text: some StringProtocol) {
        self.init(utf8: text.utf8)
    }

    init?<Bytes: Collection<UInt8>>(utf8: Bytes) {
        guard utf8.count == 13, let first = utf8.first,
            first == UInt8(ascii: "E") || first == UInt8(ascii: "H") || first == UInt8(ascii: "e") || first == UInt8(ascii: "h") || first == 0x20
        else { return nil }
        var fields = (0, 0, 0, 0, 0, 0)
        var position = utf8.index(after: utf8.startIndex)
        for field in 0..<6 {
            var value = 0
            for _ in 0..<2 {
                let digit = utf8[position] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
                position = utf8.index(after: position)
            }
            switch field {
            case 0: fields.0 = value
            case 1: fields.1 = value
            case 2: fields.2 = value
            case 3: fields.3 = value
            case 4: fields.4 = value
            default: fields.5 = value
            }
        }
        guard let wallTime = TICWallTime(year: 2000 + fields.0, month: fields.1, day: fields.2, hour: fields.3, minute: fields.4, second: fields.5)
        else { return nil }
        self.season = Character(UnicodeScalar(first))
        self.wallTime = wallTime
    }

    /// Whether the meter flags its clock as degraded (lowercase season letter).
    public var isClockDegraded: Bool { season == "e" || season == "h" }

    /// Seconds since 1970 UTC, using the season letter's offset; nil when the season is SP.
    public var secondsSinceEpoch: Int64? {
        switch season {
        case "E", "e": wallTime.secondsSinceEpoch(utcOffsetHours: 2)
        case "H", "h": wallTime.secondsSinceEpoch(utcOffsetHours: 1)
        default: nil
        }
    }
}

/// A local wall-clock time as meters send it, with no offset.
public struct TICWallTime: Sendable, Hashable {
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    /// A valid date and time, or nil.
    public init?(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        guard (1...12).contains(month), (1...RFC3339.daysIn(month: month, year: year)).contains(day), (0...23).contains(hour),
            (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
    }

    /// Parses PME-PMI `JJ/MM/AA HH:MM:SS`.
    public init?(_ text: some StringProtocol) {
        self.init(utf8: text.utf8)
    }

    /// Parses `JJ/MM/AA HH:MM:SS` from its bytes: two digits at 0, 3, 6, 9, 12, 15, separators between.
    init?<Bytes: Collection<UInt8>>(utf8: Bytes) {
        guard utf8.count == 17 else { return nil }
        var fields = (0, 0, 0, 0, 0, 0)
        var offset = 0
        for byte in utf8 {
            defer { offset += 1 }
            if offset % 3 == 2 {
                let separator = offset == 8 ? UInt8(ascii: " ") : offset < 8 ? UInt8(ascii: "/") : UInt8(ascii: ":")
                guard byte == separator else { return nil }
                continue
            }
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            switch offset / 3 {
            case 0: fields.0 = fields.0 * 10 + Int(digit)
            case 1: fields.1 = fields.1 * 10 + Int(digit)
            case 2: fields.2 = fields.2 * 10 + Int(digit)
            case 3: fields.3 = fields.3 * 10 + Int(digit)
            case 4: fields.4 = fields.4 * 10 + Int(digit)
            default: fields.5 = fields.5 * 10 + Int(digit)
            }
        }
        self.init(year: 2000 + fields.2, month: fields.1, day: fields.0, hour: fields.3, minute: fields.4, second: fields.5)
    }

    /// Seconds since 1970 UTC when this wall time is `utcOffsetHours` ahead of UTC.
    public func secondsSinceEpoch(utcOffsetHours: Int) -> Int64 {
        let days = RFC3339.daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - utcOffsetHours * 3600)
    }

    /// Seconds since 1970 UTC reading this as Europe/Paris wall time (EU rule since 1996: summer
    /// time from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC). The
    /// October hour that occurs twice is read as summer time; the March hour that does not exist
    /// as winter time. PME-PMI dates carry no season, so nothing better is possible (tic.md R10).
    public var parisSecondsSinceEpoch: Int64 {
        ParisTime.secondsSinceEpoch(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }
}

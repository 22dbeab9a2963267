/// An instant of the Flex Ready® API, to the second, in GMT.
///
/// The API writes times as `YYYY-MM-DDTHH:MM:SS` without offset, meaning GMT (the seed's
/// examples). ``init(parsing:)`` also accepts a trailing `Z` or a `±HH:MM` offset, and a
/// fraction of a second (dropped); ``text`` writes the seed's form back.
public struct FlexTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00 GMT.
    public var secondsSinceEpoch: Int64

    /// The instant `secondsSinceEpoch` seconds after the epoch.
    public init(secondsSinceEpoch: Int64) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    /// The instant `text` spells, or nil when it is not a valid date and time of years 1970 to 9999.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = Self.number(bytes, 0, 4), let month = Self.number(bytes, 5, 2), let day = Self.number(bytes, 8, 2),
            let hour = Self.number(bytes, 11, 2), let minute = Self.number(bytes, 14, 2), let second = Self.number(bytes, 17, 2),
            year >= 1970, (1...12).contains(month), (1...Self.days(inMonth: month, of: year)).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let digits = bytes[index...].prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            guard !digits.isEmpty else { return nil }
            index += digits.count
        }
        var offsetSeconds: Int64 = 0
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard bytes.count - index == 6, bytes[index + 3] == UInt8(ascii: ":"),
                    let hours = Self.number(bytes, index + 1, 2), let minutes = Self.number(bytes, index + 4, 2), hours < 24, minutes < 60
                else { return nil }
                offsetSeconds = Int64(hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
                index += 6
            default:
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        let days = Self.daysSinceEpoch(year: year, month: month, day: day)
        secondsSinceEpoch = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - offsetSeconds
    }

    /// The seed's form, `YYYY-MM-DDTHH:MM:SS`, in GMT.
    public var text: String {
        let (year, month, day) = civil
        let secondOfDay = Int(secondsSinceEpoch - dayNumber * 86_400)
        return "\(Self.padded(year, 4))-\(Self.padded(month, 2))-\(Self.padded(day, 2))T"
            + "\(Self.padded(secondOfDay / 3600, 2)):\(Self.padded(secondOfDay / 60 % 60, 2)):\(Self.padded(secondOfDay % 60, 2))"
    }

    public var description: String { text }

    /// The GMT hour of the day, 0 to 23.
    public var hour: Int { Int(secondsSinceEpoch - dayNumber * 86_400) / 3600 }
    /// The GMT weekday, 1 (Monday) to 7 (Sunday), as the référentiel numbers them.
    public var weekday: Int { Int((dayNumber % 7 + 7 + 3) % 7) + 1 }  // 1970-01-01 was a Thursday
    /// The GMT month, 1 to 12.
    public var month: Int { civil.month }
    /// The GMT day this instant is in, as days since the epoch.
    public var dayNumber: Int64 {
        secondsSinceEpoch >= 0 ? secondsSinceEpoch / 86_400 : (secondsSinceEpoch - 86_399) / 86_400
    }

    /// This instant moved by `seconds`.
    public func adding(seconds: Int64) -> FlexTime { FlexTime(secondsSinceEpoch: secondsSinceEpoch + seconds) }

    public static func < (lhs: FlexTime, rhs: FlexTime) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }

    // MARK: Calendar (proleptic Gregorian, days from civil and back)

    private var civil: (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        return (Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let shiftedYear = Int64(month <= 2 ? year - 1 : year)
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = Int64((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1)
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for byte in bytes[start..<(start + count)] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

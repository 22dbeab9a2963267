import AdapterKit
import Foundation
import Testing

@Suite struct RFC3339Tests {
    private func time(_ nanoseconds: Int64) -> EventTime {
        EventTime(nanosecondsSinceEpoch: nanoseconds)
    }

    @Test func formatsUTCWithTheFractionTrimmedOfZeros() {
        #expect(RFC3339.format(time(0)) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.format(time(1_768_464_000_000_000_000)) == "2026-01-15T08:00:00Z")
        #expect(RFC3339.format(time(1_768_464_000_250_000_000)) == "2026-01-15T08:00:00.25Z")
        #expect(RFC3339.format(time(1_768_464_000_100_000_000)) == "2026-01-15T08:00:00.1Z")
        #expect(RFC3339.format(time(1_709_208_000_000_000_000)) == "2024-02-29T12:00:00Z")
    }

    @Test func formatsNanoseconds() {
        #expect(RFC3339.format(time(1)) == "1970-01-01T00:00:00.000000001Z")
        #expect(RFC3339.format(time(123_456_789)) == "1970-01-01T00:00:00.123456789Z")
        #expect(RFC3339.format(time(1_768_464_000_000_001_000)) == "2026-01-15T08:00:00.000001Z")
    }

    @Test func formatsInstantsBefore1970() {
        #expect(RFC3339.format(time(-1)) == "1969-12-31T23:59:59.999999999Z")
        #expect(RFC3339.format(time(-1_000_000_000)) == "1969-12-31T23:59:59Z")
        #expect(RFC3339.format(time(-1_500_000_000)) == "1969-12-31T23:59:58.5Z")
        #expect(RFC3339.format(time(-2_208_988_800_000_000_000)) == "1900-01-01T00:00:00Z")
    }

    @Test func descriptionOfEventTimeIsRFC3339() {
        #expect(time(1_768_464_000_250_000_000).description == "2026-01-15T08:00:00.25Z")
    }

    @Test(arguments: [
        ("2026-01-15T08:00:00Z", Int64(1_768_464_000_000_000_000)),
        ("2026-01-15T08:00:00z", 1_768_464_000_000_000_000),
        ("2026-01-15 08:00:00Z", 1_768_464_000_000_000_000),
        ("2026-01-15T08:00:00.25Z", 1_768_464_000_250_000_000),
        ("2026-01-15T08:00:00.123456789Z", 1_768_464_000_123_456_789),
        ("2026-01-15T08:00:00.123456789999Z", 1_768_464_000_123_456_789),
        ("2026-01-15T10:00:00+02:00", 1_768_464_000_000_000_000),
        ("2026-01-15T02:30:00-05:30", 1_768_464_000_000_000_000),
        ("2026-01-15T08:00:00.5+00:00", 1_768_464_000_500_000_000),
        ("2024-02-29T12:00:00Z", 1_709_208_000_000_000_000),
        ("1900-01-01T00:00:00Z", -2_208_988_800_000_000_000),
        ("1969-12-31T23:59:59.999999999Z", -1),
    ])
    func parsesZuluAndOffsets(text: String, nanoseconds: Int64) {
        #expect(RFC3339.parse(text) == time(nanoseconds))
    }

    @Test(arguments: [
        "",
        "2026-01-15",
        "2026-01-15T08:00:00",
        "2026-01-15T08:00:00 ",
        "2026-01-15T08:00:00.Z",
        "2026-01-15T08:00:00+0100",
        "2026-01-15T08:00:00+01",
        "2026-01-15T08:00:00Zjunk",
        "2026/01/15T08:00:00Z",
        "2026-01-15X08:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z",
        "2026-01-32T00:00:00Z",
        "2026-01-15T24:00:00Z",
        "2026-01-15T08:60:00Z",
        "2026-01-15T08:00:61Z",
        "2026-1-15T08:00:00Z",
        "20a6-01-15T08:00:00Z",
        "2026-01-15T08:00:00+01:0x",
        "1768464000",
        "2300-01-01T00:00:00Z",
        "1600-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "0000-01-01T00:00:00Z",
        "2262-04-11T23:47:16.854775808Z",
    ])
    func rejectsMalformedText(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test func theLatestRepresentableInstantRoundTrips() {
        let latest = time(.max)
        #expect(RFC3339.format(latest) == "2262-04-11T23:47:16.854775807Z")
        #expect(RFC3339.parse("2262-04-11T23:47:16.854775807Z") == latest)
        #expect(RFC3339.parse("1677-09-21T00:12:44Z") == time(-9_223_372_036_000_000_000))
    }

    @Test func wholeSecondsAgreeWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let seconds = Int64.random(in: -3_000_000_000...4_000_000_000, using: &generator)
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(RFC3339.format(time(seconds * 1_000_000_000)) == expected, "\(seconds)")
        }
    }

    @Test func roundTripsRandomInstantsExactly() {
        var generator = SystemRandomNumberGenerator()
        let bound: Int64 = 4_000_000_000_000_000_000  // about 1843 to 2096
        var values: [Int64] = [0, -1, 1, 999_999_999, -999_999_999, 1_000_000_000, bound, -bound]
        for _ in 0..<2000 { values.append(Int64.random(in: -bound...bound, using: &generator)) }
        for _ in 0..<200 { values.append(Int64.random(in: -bound...bound, using: &generator) / 1_000_000 * 1_000_000) }
        for nanoseconds in values {
            let text = RFC3339.format(time(nanoseconds))
            #expect(RFC3339.parse(text) == time(nanoseconds), "\(nanoseconds) -> \(text)")
        }
    }
}

@Suite struct RFC3339CalendarTests {
    @Test(arguments: ["2026-04-31T00:00:00Z", "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2026-06-31T12:00:00Z",
                      "2026-01-01T00:00:00+99:99", "2026-01-01T00:00:00+24:00"])
    func impossibleDatesAndOffsetsAreRejected(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test func leapDaysAndLowercaseSeparatorsAreAccepted() {
        #expect(RFC3339.parse("2024-02-29T00:00:00Z") != nil)
        #expect(RFC3339.parse("2000-02-29T00:00:00Z") != nil)
        #expect(RFC3339.parse("2026-11-22t10:00:00z") == RFC3339.parse("2026-11-22T10:00:00Z"))
    }
}

import EnergyFlexReady
import Testing

@Suite struct FlexTimeTests {
    @Test func theSeedsFormIsGMTAndWrittenBack() throws {
        let time = try #require(FlexTime(parsing: "2025-04-02T10:00:00"))
        #expect(time.secondsSinceEpoch == 1_743_588_000)  // date -u -d 2025-04-02T10:00:00Z +%s
        #expect(time.text == "2025-04-02T10:00:00")
        #expect(time.weekday == 3)  // a Wednesday
        #expect(time.month == 4 && time.hour == 10)
    }

    @Test func aTrailingZAnOffsetOrAFractionNameTheSameInstants() throws {
        let gmt = try #require(FlexTime(parsing: "2025-04-02T10:00:00"))
        #expect(FlexTime(parsing: "2025-04-02T10:00:00Z") == gmt)
        #expect(FlexTime(parsing: "2025-04-02T12:00:00+02:00") == gmt)
        #expect(FlexTime(parsing: "2025-04-02T09:30:00-00:30") == gmt)
        #expect(FlexTime(parsing: "2025-04-02T10:00:00.999Z") == gmt)
    }

    @Test(arguments: [
        "", "2025-04-02", "2025-04-02 10:00:00", "2025-13-01T00:00:00", "2025-02-29T00:00:00", "2025-04-31T00:00:00",
        "2025-04-02T24:00:00", "2025-04-02T10:60:00", "2025-04-02T10:00:60", "1969-12-31T23:59:59", "2025-04-02T10:00:00+2",
        "2025-04-02T10:00:00.", "2025-04-02T10:00:00ZZ", "２０２５-04-02T10:00:00", "2025-04-02T10:00:00+24:00",
    ])
    func badTimesAreRefused(text: String) {
        #expect(FlexTime(parsing: text) == nil)
    }

    @Test func leapDaysAndTheCalendarsEndsRoundTrip() throws {
        for text in ["2024-02-29T23:59:59", "2000-02-29T00:00:00", "1970-01-01T00:00:00", "9999-12-31T23:59:59", "2100-03-01T00:00:00"] {
            let time = try #require(FlexTime(parsing: text), "\(text)")
            #expect(time.text == text)
        }
        #expect(FlexTime(parsing: "2100-02-29T00:00:00") == nil)
        #expect(FlexTime(parsing: "1970-01-01T00:00:00")?.weekday == 4)  // a Thursday
    }
}

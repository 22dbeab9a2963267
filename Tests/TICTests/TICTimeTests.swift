import AdapterKit
import EnergyTIC
import Testing

/// Meter clocks to UTC: standard horodates by their season letter, PME-PMI dates as Paris time.
@Suite struct TICTimeTests {
    private func utc(_ seconds: Int64?) -> String? {
        seconds.map { EventTime(nanosecondsSinceEpoch: $0 * 1_000_000_000).description }
    }

    @Test func horodatesUseTheirSeasonLetter() {
        #expect(utc(TICHorodate("H081225223518")?.secondsSinceEpoch) == "2008-12-25T21:35:18Z")
        #expect(utc(TICHorodate("E090714074553")?.secondsSinceEpoch) == "2009-07-14T05:45:53Z")
        #expect(TICHorodate("e090714074553")?.isClockDegraded == true)
        #expect(TICHorodate(" 230214060000") != nil)
        #expect(TICHorodate(" 230214060000")?.secondsSinceEpoch == nil)
        #expect(TICHorodate("E230230120000") == nil)  // 30 February
        #expect(TICHorodate("E2302281200") == nil)
    }

    @Test func pmePmiDatesAreParisWallTime() {
        #expect(utc(TICWallTime("23/01/22 14:32:10")?.parisSecondsSinceEpoch) == "2022-01-23T13:32:10Z")
        #expect(utc(TICWallTime("15/07/24 12:00:00")?.parisSecondsSinceEpoch) == "2024-07-15T10:00:00Z")
        // 2024: summer time from 31 March 01:00 UTC to 27 October 01:00 UTC.
        #expect(utc(TICWallTime("31/03/24 01:59:59")?.parisSecondsSinceEpoch) == "2024-03-31T00:59:59Z")
        #expect(utc(TICWallTime("31/03/24 03:00:00")?.parisSecondsSinceEpoch) == "2024-03-31T01:00:00Z")
        #expect(utc(TICWallTime("27/10/24 02:30:00")?.parisSecondsSinceEpoch) == "2024-10-27T00:30:00Z")  // first pass, summer
        #expect(utc(TICWallTime("27/10/24 03:00:00")?.parisSecondsSinceEpoch) == "2024-10-27T02:00:00Z")
        #expect(TICWallTime("29/02/23 00:00:00") == nil)
        #expect(TICWallTime("29/02/24 00:00:00") != nil)
        #expect(TICWallTime("23/01/22 14:32") == nil)
        #expect(TICWallTime("23-01-22 14:32:10") == nil)
    }
}

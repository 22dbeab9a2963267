import EnergyFlexReady
import Testing

/// Quarter-hour and hourly means from an energy index, against means computed by hand.
@Suite struct MeanPowerSeriesTests {
    static let day = FlexTime(parsing: "2025-04-02T00:00:00")!
    static func ns(_ seconds: Int64) -> Int64 { (day.secondsSinceEpoch + seconds) * 1_000_000_000 }

    /// Feeds readings of an index that grows by `watts(t)` (piecewise constant per second) every
    /// `period` seconds, from `from` to `to`.
    static func feed(_ series: inout MeanPowerSeries, from: Int64, to: Int64, period: Int64, watts: (Int64) -> Double, skipping: Range<Int64> = 0..<0)
        -> [MeanPowerSeries.Step]
    {
        var steps: [MeanPowerSeries.Step] = []
        var energy = 1_000_000.0  // a meter's index is never zero
        var second = from
        while second <= to {
            if second % period == 0, !skipping.contains(second) { steps += series.add(nanoseconds: ns(second), wattHours: energy) }
            energy += watts(second) / 3600
            second += 1
        }
        return steps
    }

    @Test func aSteadyLoadGivesItsPowerEveryQuarter() {
        var series = MeanPowerSeries(stepSeconds: 900)
        let steps = Self.feed(&series, from: 0, to: 3600, period: 60) { _ in 4000 }
        #expect(steps.map(\.start.text) == ["2025-04-02T00:00:00", "2025-04-02T00:15:00", "2025-04-02T00:30:00", "2025-04-02T00:45:00"])
        for step in steps { #expect(abs(step.watts - 4000) < 1e-6) }
    }

    /// Readings every 47 s, never on a boundary; 2 kW until 00:15:40, 6 kW after: the quarter
    /// holding the change gets exactly its mix, (40 s × 2 kW + 860 s × 6 kW) / 900 s.
    @Test func readingsOffTheBoundariesAreInterpolated() {
        var series = MeanPowerSeries(stepSeconds: 900)
        let steps = Self.feed(&series, from: 7, to: 2800, period: 47) { second in second < 940 ? 2000 : 6000 }
        // The first boundary comes after the first reading: the first full quarter is 00:15.
        #expect(steps.map(\.start.text) == ["2025-04-02T00:15:00", "2025-04-02T00:30:00"])
        #expect(steps.count == 2 && abs(steps[0].watts - (40 * 2000 + 860 * 6000) / 900) < 1e-6 && abs(steps[1].watts - 6000) < 1e-6, "\(steps)")
    }

    /// A meter silent for 20 minutes: the quarters it spans have no value, the next ones do.
    @Test func aMissingQuarterHourIsLeftOutNotGuessed() {
        var series = MeanPowerSeries(stepSeconds: 900)
        let steps = Self.feed(&series, from: 0, to: 5400, period: 30, watts: { _ in 3000 }, skipping: 1000..<2200)
        #expect(steps.map(\.start.text) == ["2025-04-02T00:00:00", "2025-04-02T00:45:00", "2025-04-02T01:00:00", "2025-04-02T01:15:00"])
        for step in steps { #expect(abs(step.watts - 3000) < 1e-6) }
    }

    @Test func anIndexThatGoesDownStartsOverAndOldReadingsAreIgnored() {
        var series = MeanPowerSeries(stepSeconds: 900, maximumGapSeconds: 900)
        #expect(series.add(nanoseconds: Self.ns(0), wattHours: 5000).isEmpty)
        #expect(series.add(nanoseconds: Self.ns(450), wattHours: 5500).isEmpty)
        #expect(series.add(nanoseconds: Self.ns(400), wattHours: 9999).isEmpty)  // older: ignored
        #expect(series.add(nanoseconds: Self.ns(900), wattHours: 6000) == [MeanPowerSeries.Step(start: Self.day, watts: 4000)])
        #expect(series.add(nanoseconds: Self.ns(1200), wattHours: 10).isEmpty)  // a new meter
        #expect(series.add(nanoseconds: Self.ns(1800), wattHours: 510).isEmpty)  // no boundary since 1200
        #expect(series.add(nanoseconds: Self.ns(2100), wattHours: 760) == [])
        #expect(series.add(nanoseconds: Self.ns(2700), wattHours: 1260) == [MeanPowerSeries.Step(start: Self.day.adding(seconds: 1800), watts: 3000)])
        #expect(series.add(nanoseconds: Self.ns(3000), wattHours: .nan).isEmpty)
    }

    /// The spring daylight-saving day in France (2025-03-30): the API is GMT, so the day still has
    /// 96 quarters and 24 hours, each the mean of its own load.
    @Test func aDaylightSavingDayHasItsNinetySixGMTQuarters() {
        let sunday = FlexTime(parsing: "2025-03-30T00:00:00")!
        var quarters = MeanPowerSeries(stepSeconds: 900)
        var hours = MeanPowerSeries(stepSeconds: 3600)
        var quarterSteps: [MeanPowerSeries.Step] = [], hourSteps: [MeanPowerSeries.Step] = []
        var energy = 42_000.0
        for second in Int64(0)...86_400 {
            if second % 10 == 0 {
                let ns = (sunday.secondsSinceEpoch + second) * 1_000_000_000
                quarterSteps += quarters.add(nanoseconds: ns, wattHours: energy)
                hourSteps += hours.add(nanoseconds: ns, wattHours: energy)
            }
            energy += Double(1000 + 100 * (second / 900)) / 3600  // each quarter 100 W more than the last
        }
        #expect(quarterSteps.count == 96 && hourSteps.count == 24)
        for (index, step) in quarterSteps.enumerated() { #expect(abs(step.watts - Double(1000 + 100 * index)) < 1e-6, "\(step)") }
        // Each hour: the mean of its four quarters.
        for (index, step) in hourSteps.enumerated() { #expect(abs(step.watts - Double(1000 + 100 * (4 * index) + 150)) < 1e-6, "\(step)") }
        #expect(hourSteps.last?.start.text == "2025-03-30T23:00:00")
    }
}

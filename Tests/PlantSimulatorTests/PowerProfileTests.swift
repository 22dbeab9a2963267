import AdapterKit
@testable import EnergyPlantSimulator
import Testing

/// The power before curtailment: a function of the time of day, the same in every run.
@Suite struct PowerProfileTests {
    /// 2026-11-22 at `hour`:`minute` UTC.
    static func at(_ hour: Int64, _ minute: Int64 = 0) -> EventTime {
        EventTime(nanosecondsSinceEpoch: (1_795_305_600 + hour * 3600 + minute * 60) * 1_000_000_000)
    }

    @Test func solarIsABellFromSixToTwentyUTC() {
        let solar = PowerProfile(shape: .solar, peakW: 10_000)
        #expect(solar.watts(at: Self.at(3)) == 0)
        #expect(solar.watts(at: Self.at(6)) == 0)
        #expect(solar.watts(at: Self.at(20)) == 0)
        #expect(solar.watts(at: Self.at(23, 59)) == 0)
        #expect(solar.watts(at: Self.at(13)) == 10_000)
        #expect(solar.watts(at: Self.at(9)) > 0 && solar.watts(at: Self.at(9)) < solar.watts(at: Self.at(12)))
        #expect(abs(solar.watts(at: Self.at(9, 30)) - solar.watts(at: Self.at(16, 30))) < 1e-6)
    }

    @Test func solarBeforeNineteenSeventy() {
        // A negative time still has its time of day (no trap, no negative power).
        let solar = PowerProfile(shape: .solar, peakW: 10_000)
        #expect(solar.watts(at: EventTime(nanosecondsSinceEpoch: -11 * 3600 * 1_000_000_000)) == 10_000)
    }

    @Test func constantIsThePeak() {
        #expect(PowerProfile(shape: .constant, peakW: 4200).watts(at: Self.at(2)) == 4200)
    }

    @Test func windVariesSlowlyWithinThePeak() {
        let wind = PowerProfile(shape: .wind, peakW: 2_000_000)
        let day = (0..<(24 * 60)).map { wind.watts(at: Self.at(0, Int64($0))) }
        #expect(day.allSatisfy { $0 >= 0 && $0 <= 2_000_000 })
        #expect(day.max()! - day.min()! > 1_000_000)
        // Slowly: less than a tenth of the peak from one minute to the next.
        #expect(zip(day, day.dropFirst()).allSatisfy { abs($0 - $1) < 0.1 * 2_000_000 })
        #expect(wind.watts(at: Self.at(10, 17)) == PowerProfile(shape: .wind, peakW: 2_000_000).watts(at: Self.at(10, 17)))
    }
}

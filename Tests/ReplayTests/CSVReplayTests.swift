import AdapterKit
import AdapterKitTesting
import Foundation
import EnergyReplay
import Testing

@Suite struct CSVReplayTests {
    static let fixed = EventTime(nanosecondsSinceEpoch: 1_800_000_000_000_000_000)

    @Test(.timeLimit(.minutes(1)))
    func publishesMeasurementsInSIUnitsWithPhaseAndMeterTime() async throws {
        let file = try ReplaySupport.write("""
            time_utc,active_power_import_kw,voltage_v@1,frequency_hz
            2026-01-15T08:00:00Z,1.5,230.1,50.01
            2026-01-15T08:00:01.5Z,2,231,49.99

            """, named: "meter.csv")
        let host = try InMemoryHost(instanceID: "replay-1", now: { Self.fixed })
        let adapter = try host.makeAdapter(
            ReplayAdapter.self, configuration: ReplaySupport.configuration(file: file, ["pace": .string("fastest")]))
        try await host.run(adapter) { host in
            _ = await host.waitForPublished(count: 2)
        }
        let published = host.published
        #expect(published.count == 2)
        #expect(published.allSatisfy {
            $0.topic == "sites/test-site/replay-1/measurements" && $0.kind == .measurement && $0.time == Self.fixed
        })
        let first = try ReplaySupport.measurement(published[0])
        #expect(first.deviceID == "replay-1")
        #expect(EventTime(first.meterTime) == ReplaySupport.time("2026-01-15T08:00:00Z"))
        #expect(first.values == [
            EnergyValue(.activePowerImport, 1500),
            EnergyValue(.voltage, 230.1, phase: 1),
            EnergyValue(.frequency, 50.01),
        ])
        let second = try ReplaySupport.measurement(published[1])
        #expect(EventTime(second.meterTime) == ReplaySupport.time("2026-01-15T08:00:01.5Z"))
        #expect(second.value(of: .activePowerImport)?.value == 2000)
        #expect(second.value(of: .activePowerImport)?.unit == "W")
        #expect(second.value(of: .voltage, phase: 1)?.unit == "V")
    }

    @Test(.timeLimit(.minutes(1)))
    func deviceIDStreamAndEpochSecondsTimes() async throws {
        let file = try ReplaySupport.write("""
            timestamp,active_energy_import_kwh,current_a@3
            1768464000.5,12.5,
            1768464001,,7
            """, named: "epoch.csv")
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(ReplayAdapter.self, configuration: ReplaySupport.configuration(
            file: file, ["pace": .string("fastest"), "device_id": .string("main-meter"), "stream": .string("raw")]))
        try await host.run(adapter) { host in
            _ = await host.waitForPublished(count: 2)
        }
        let published = host.published
        #expect(published.map(\.topic) == ["sites/test-site/under-test/raw", "sites/test-site/under-test/raw"])
        let first = try ReplaySupport.measurement(published[0])
        #expect(first.deviceID == "main-meter")
        #expect(EventTime(first.meterTime) == EventTime(nanosecondsSinceEpoch: 1_768_464_000_500_000_000))
        #expect(first.values == [EnergyValue(.activeEnergyImport, 12_500)])  // empty cell left out
        let second = try ReplaySupport.measurement(published[1])
        #expect(second.values == [EnergyValue(.current, 7, phase: 3)])
    }

    @Test(.timeLimit(.minutes(1)))
    func subscribedPowerInWattsKeepsItsUnit() async throws {
        let file = try ReplaySupport.write("""
            time,subscribed_power_kw,subscribed_power_kva
            2026-01-15T08:00:00Z,36,12
            """, named: "subscribed.csv")
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(
            ReplayAdapter.self, configuration: ReplaySupport.configuration(file: file, ["pace": .string("fastest")]))
        try await host.run(adapter) { host in
            _ = await host.waitForPublished(count: 1)
        }
        let values = try ReplaySupport.measurement(try #require(host.published.first)).values
        #expect(values.map(\.quantity) == ["subscribed_power", "subscribed_power"])
        #expect(values.map(\.value) == [36_000, 12_000])
        #expect(values.map(\.unit) == ["W", "VA"])
    }

    @Test(.timeLimit(.minutes(1)))
    func columnsRenameHeaders() async throws {
        let file = try ReplaySupport.write("""
            Horodate,"P, kW",U1
            2026-01-15T08:00:00Z,"3",229.5
            """, named: "renamed.csv")
        let host = try InMemoryHost()
        let columns: JSONValue = .object([
            "Horodate": .string("time"), "P, kW": .string("active_power_import_kw"), "U1": .string("voltage@1"),
        ])
        let adapter = try host.makeAdapter(ReplayAdapter.self, configuration: ReplaySupport.configuration(
            file: file, ["pace": .string("fastest"), "columns": columns]))
        try await host.run(adapter) { host in
            _ = await host.waitForPublished(count: 1)
        }
        let measurement = try ReplaySupport.measurement(try #require(host.published.first))
        #expect(measurement.values == [EnergyValue(.activePowerImport, 3000), EnergyValue(.voltage, 229.5, phase: 1)])
    }

    @Test(.timeLimit(.minutes(1)))
    func malformedRowsAreSkippedAndTheRestPublished() async throws {
        let file = try ReplaySupport.write("""
            time,active_power_import_w
            2026-01-15T08:00:00Z,1
            yesterday,2
            2026-01-15T08:00:02Z,abc

            2026-01-15T08:00:03Z,inf
            nan,4
            1e300,4
            2026-01-15T08:00:04Z,5
            2026-01-15T08:00:05Z,6
            """, named: "dirty.csv")
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(
            ReplayAdapter.self, configuration: ReplaySupport.configuration(file: file, ["pace": .string("fastest")]))
        try await host.run(adapter) { host in
            _ = await host.waitForPublished(count: 3)
        }
        let values = try host.published.map { try ReplaySupport.measurement($0).value(of: .activePowerImport)?.value }
        #expect(values == [1, 5, 6])
        let warning = try #require(host.logs.first { $0.message == "lines skipped" })
        #expect(warning.level == .warning)
        #expect(warning.metadata["replay.skipped"] == "5")
        #expect(warning.metadata["replay.first"]?.contains("dirty.csv:3") == true)
    }

    /// The replay's clock is a manual one that never moves: every row comes out all the same.
    @Test(.timeLimit(.minutes(1)))
    func fastestPacePublishesEveryRowWithoutWaiting() async throws {
        var text = "time,frequency_hz\n"
        for second in 0..<500 { text += "\(1_768_464_000 + second * 60),\(50 + Double(second % 10) / 100)\n" }
        let file = try ReplaySupport.write(text, named: "long.csv")
        let clock = ManualClock()
        let host = try InMemoryHost(clock: clock)
        let adapter = try host.makeAdapter(
            ReplayAdapter.self, configuration: ReplaySupport.configuration(file: file, ["pace": .string("fastest")]))
        try await host.run(adapter) { host in
            _ = await host.waitForPublished(count: 500, timeout: .seconds(30))
        }
        #expect(clock.now.offset == .zero)  // the recorded span is 500 minutes
        #expect(host.published.count == 500)
        let times = try host.published.map { EventTime(try ReplaySupport.measurement($0).meterTime) }
        #expect(times == times.sorted())
    }

    /// Records one second apart at speed 10 come out 100 ms apart on the replay's clock: not a
    /// millisecond earlier, and at once when their time comes.
    @Test(.timeLimit(.minutes(1)))
    func recordedPaceHonoursIntervalsDividedBySpeed() async throws {
        let file = try ReplaySupport.write("""
            time,frequency_hz
            2026-01-15T08:00:00Z,50
            2026-01-15T08:00:01Z,50.1
            2026-01-15T08:00:02Z,50.2
            """, named: "paced.csv")
        let clock = ManualClock()
        let host = try InMemoryHost(clock: clock)
        let adapter = try host.makeAdapter(
            ReplayAdapter.self, configuration: ReplaySupport.configuration(file: file, ["speed": .number(10)]))
        try await host.run(adapter) { host in
            #expect(await host.waitForPublished(count: 1, timeout: .seconds(30)).count == 1)
            for next in 2...3 {
                try await clock.waitForSleepers(1)
                await clock.advance(by: .milliseconds(99))
                #expect(host.published.count == next - 1, "record \(next) came out before its time")
                await clock.advance(by: .milliseconds(1))
                #expect(await host.waitForPublished(count: next, timeout: .seconds(30)).count == next)
            }
        }
        #expect(clock.now.offset == .milliseconds(200))
        let frequencies = try host.published.map { try ReplaySupport.measurement($0).value(of: .frequency)?.value }
        #expect(frequencies == [50, 50.1, 50.2])
    }

    /// A looped file starts again one recorded gap after its last record: records 0, 1 and 2 s
    /// at speed 100 come out every 10 ms, pass after pass, until shutdown.
    @Test(.timeLimit(.minutes(1)))
    func loopReplaysAgainUntilShutdown() async throws {
        let file = try ReplaySupport.write("""
            time,frequency_hz
            2026-01-15T08:00:00Z,50
            2026-01-15T08:00:01Z,50.1
            2026-01-15T08:00:02Z,50.2
            """, named: "loop.csv")
        let clock = ManualClock()
        let host = try InMemoryHost(clock: clock)
        let adapter = try host.makeAdapter(ReplayAdapter.self, configuration: ReplaySupport.configuration(
            file: file, ["speed": .number(100), "loop": .bool(true)]))
        try await host.run(adapter) { host in
            #expect(await host.waitForPublished(count: 1, timeout: .seconds(30)).count == 1)
            for next in 2...10 {
                try await clock.waitForSleepers(1)
                #expect(host.published.count == next - 1)
                await clock.advance(by: .milliseconds(10))
                #expect(await host.waitForPublished(count: next, timeout: .seconds(30)).count == next)
            }
        }
        #expect(clock.now.offset == .milliseconds(90))
        let frequencies = try host.published.prefix(10).map { try ReplaySupport.measurement($0).value(of: .frequency)?.value }
        #expect(frequencies == [50, 50.1, 50.2, 50, 50.1, 50.2, 50, 50.1, 50.2, 50])
    }

    @Test(.timeLimit(.minutes(1)))
    func theDemoFileIsAccepted() async throws {
        let host = try InMemoryHost(configurationDirectory: ReplaySupport.repositoryRoot.path)
        let adapter = try host.makeAdapter(
            ReplayAdapter.self, configuration: #"{"file": "demo/site-meter.csv", "pace": "fastest"}"#)
        try await host.run(adapter) { host in
            _ = await host.waitForPublished(count: 300, timeout: .seconds(20))
        }
        #expect(host.published.count == 300)
        let first = try ReplaySupport.measurement(try #require(host.published.first))
        #expect(EventTime(first.meterTime) == ReplaySupport.time("2026-01-15T08:00:00Z"))
        #expect(first.values == [
            EnergyValue(.activePowerImport, 42_000),
            EnergyValue(.reactivePower, 7_500),
            EnergyValue(.voltage, 231, phase: 1),
            EnergyValue(.current, 60.61, phase: 1),
            EnergyValue(.frequency, 50),
        ])
    }
}

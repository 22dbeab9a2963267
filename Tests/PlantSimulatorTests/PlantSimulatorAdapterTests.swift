import AdapterKit
import AdapterKitHarness
import AdapterKitTesting
import EnergyPlantSimulator
import Foundation
import Testing

/// The adapter through `InMemoryHost` on a manual clock: its cadence, and commands to acks.
@Suite struct PlantSimulatorAdapterTests {
    /// 2026-11-22T12:00:00Z, when the manual clock is at zero.
    static let start = Duration.seconds(1_795_348_800)

    /// A host whose wall clock follows `clock`.
    static func host(_ clock: ManualClock, instanceID: String = "plant") throws -> InMemoryHost {
        try InMemoryHost(instanceID: instanceID, clock: clock, now: { EventTime(sinceEpoch: start + clock.now.offset) })
    }

    static func command(_ action: String, id: String, target: String = "plant") throws -> Event {
        var command = EnergyCommand()
        command.id = id
        command.target = target
        command.action = action
        return try Event(topic: "sites/test-site/plant/commands", payload: command, time: EventTime(sinceEpoch: start))
    }

    /// The events published on the instance's `stream`.
    static func events(_ host: InMemoryHost, _ stream: String) -> [Event] {
        host.published.filter { $0.topic == "sites/test-site/plant/\(stream)" }
    }

    /// The `active_power_export` of each published measurement, in W.
    static func powers(_ host: InMemoryHost) throws -> [Double] {
        try events(host, "measurements").map {
            try #require(try $0.decode(EnergyMeasurement.self).value(of: .activePowerExport)).value
        }
    }

    /// Lets the run loop reach its sleep, then moves the clock one interval.
    static func tick(_ clock: ManualClock, by interval: Duration = .seconds(1)) async throws {
        try await clock.waitForSleepers()
        await clock.advance(by: interval)
    }

    @Test func publishesOnItsCadence() async throws {
        let clock = ManualClock()
        let host = try Self.host(clock)
        let adapter = try host.makeAdapter(
            PlantSimulatorAdapter.self,
            configuration: #"{"peak_w": 5000, "profile": "constant", "interval_s": 0.5, "device_id": "pv-1"}"#
        )
        try await host.run(adapter) { host in
            for _ in 0..<4 { try await Self.tick(clock, by: .milliseconds(500)) }
            _ = await host.waitForPublished(count: 6)
        }

        let measurements = Self.events(host, "measurements")
        #expect(measurements.map(\.time.sinceEpoch) == (0...4).map { Self.start + .milliseconds(500) * $0 })
        #expect(try Self.powers(host) == [5000, 5000, 5000, 5000, 5000])
        let first = try #require(try measurements.first?.decode(EnergyMeasurement.self))
        #expect(first.deviceID == "pv-1")
        #expect(first.values.map(\.unit) == ["W"])
        let status = try Self.events(host, "status").map { try $0.decode(EnergyStatus.self) }
        #expect(status.map(\.state) == ["producing"])
        #expect(status.first?.available == true)
    }

    @Test func curtailsOnACommandThenReleases() async throws {
        let clock = ManualClock()
        let host = try Self.host(clock)
        let adapter = try host.makeAdapter(PlantSimulatorAdapter.self, configuration: #"{"peak_w": 5000, "profile": "constant"}"#)
        try await host.run(adapter) { host in
            try await Self.tick(clock)
            _ = await host.waitForPublished(count: 3)

            try await host.deliver([try Self.command("curtail", id: "oa-1")], to: adapter)
            try await Self.tick(clock)
            try await Self.tick(clock)
            _ = await host.waitForPublished(count: 8)

            try await host.deliver([try Self.command("release", id: "oa-2")], to: adapter)
            try await Self.tick(clock)
            _ = await host.waitForPublished(count: 12)
        }

        #expect(try Self.powers(host) == [5000, 5000, 0, 0, 0, 5000, 5000])
        let acks = try Self.events(host, "acks").map { try $0.decode(EnergyCommandAck.self) }
        #expect(acks.map(\.id) == ["oa-1", "oa-2"])
        #expect(acks.map(\.ackOutcome) == [.executed, .executed])
        #expect(acks.first?.detail == "curtailed to 0 W; exporting 0.0 W")
        #expect(Self.events(host, "acks").allSatisfy { $0.kind == .commandAck })
        let states = try Self.events(host, "status").map { try $0.decode(EnergyStatus.self).state }
        #expect(states == ["producing", "curtailed", "producing"])
    }

    @Test func rejectsACommandForAnotherTargetOrIgnoresOtherTopics() async throws {
        let clock = ManualClock()
        let host = try Self.host(clock)
        let adapter = try host.makeAdapter(PlantSimulatorAdapter.self, configuration: #"{"peak_w": 5000, "profile": "constant"}"#)
        var elsewhere = try Self.command("curtail", id: "oa-9")
        elsewhere.topic = "sites/test-site/other/commands"
        try await host.run(adapter) { host in
            _ = await host.waitForPublished(count: 2)
            try await host.deliver([try Self.command("curtail", id: "oa-1", target: "wind-farm"), elsewhere], to: adapter)
            try await Self.tick(clock)
            _ = await host.waitForPublished(count: 4)
        }

        let acks = try Self.events(host, "acks").map { try $0.decode(EnergyCommandAck.self) }
        #expect(acks.map(\.id) == ["oa-1"])
        #expect(acks.first?.ackOutcome == .rejected)
        #expect(acks.first?.detail == "target \"wind-farm\" is not this plant (plant)")
        #expect(try Self.powers(host) == [5000, 5000])
    }

    @Test func configurationMatchesItsSchema() {
        #expect(ConfigurationContract.violations(of: PlantSimulatorAdapter.self) == [])
    }

    @Test func refusesAProfileThatContradictsTheTechnology() throws {
        let host = try InMemoryHost()
        #expect(host.validate(PlantSimulatorAdapter.self, configuration: #"{"technology": "wind", "peak_w": 1000, "profile": "solar"}"#)
            == [ConfigurationIssue("profile", "solar does not fit a wind plant (constant or wind)")])
        #expect(host.validate(PlantSimulatorAdapter.self, configuration: #"{"technology": "pv", "peak_w": 1000, "profile": "constant"}"#) == [])
        #expect(!host.validate(PlantSimulatorAdapter.self, configuration: #"{"peak_w": 0}"#).isEmpty)
        #expect(!host.validate(PlantSimulatorAdapter.self, configuration: #"{"technology": "pv"}"#).isEmpty)
    }

    /// Each value made extreme in turn: refused with a message, or created and run briefly; nothing traps.
    @Test func extremeConfigurationsNeverTrap() async throws {
        let base = #"{"technology": "wind", "peak_w": 5000, "interval_s": 1, "device_id": "plant", "profile": "wind"}"#
        let variants = ExtremeConfigurations.variants(of: base, schema: PlantSimulatorAdapter.description.configurationSchema)
        #expect(variants.count > 10)
        var refused = 0
        for variant in variants {
            let host = try InMemoryHost()
            let issues = host.validate(PlantSimulatorAdapter.self, configuration: variant.json)
            guard issues.isEmpty else {
                #expect(issues.allSatisfy { !$0.message.isEmpty }, "\(variant)")
                refused += 1
                continue
            }
            let adapter = try host.makeAdapter(PlantSimulatorAdapter.self, configuration: variant.json)
            try await host.run(adapter) { host in
                try await host.deliver([try Self.command("curtail", id: "x", target: "plant")], to: adapter)
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        #expect(refused > 0)
    }

    @Test func conformance() async throws {
        try await AdapterConformance(
            typeName: "PlantSimulator",
            validConfiguration: #"{"peak_w": 5000}"#,
            invalidConfiguration: #"{"peak_w": "big"}"#
        ).run()
    }
}

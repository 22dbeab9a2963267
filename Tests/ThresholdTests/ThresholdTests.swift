import AdapterKit
import AdapterKitHarness
import AdapterKitTesting
import Testing
import EnergyThreshold

private func measurement(watts: Double) throws -> Event {
    var measurement = EnergyMeasurement()
    measurement.deviceID = "meter-1"
    measurement.values = [EnergyValue(.activePowerImport, watts)]
    return try Event(topic: "sites/test-site/meter/measurements", payload: measurement, time: .now())
}

@Suite struct ThresholdTests {
    @Test func raisesAndClearsTheAlarm() async throws {
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(
            ThresholdAdapter.self,
            configuration: #"{"limit_w": 50000, "hysteresis_w": 2000}"#
        )
        let powers: [Double] = [49_000, 50_500, 49_000, 47_500, 51_000]
        let events = try powers.map { try measurement(watts: $0) }

        try await host.run(adapter) { host in
            try await host.deliver(events, to: adapter)
        }

        let alarms = try host.published.map { try $0.decode(EnergyAlarm.self) }
        #expect(alarms.map(\.active) == [true, false, true])
        #expect(alarms.first?.severity == "warning")
        #expect(host.published.allSatisfy { $0.topic == "sites/test-site/under-test/alarms" })
    }

    @Test func refusesAHysteresisAboveTheLimit() throws {
        let host = try InMemoryHost()
        let configuration = #"{"limit_w": 1000, "hysteresis_w": 2000}"#
        #expect(host.validate(ThresholdAdapter.self, configuration: configuration)
            == [ConfigurationIssue("hysteresis_w", "2000.0 must not exceed limit_w (1000.0)")])
        #expect(throws: AdapterError.self) {
            _ = try host.makeAdapter(ThresholdAdapter.self, configuration: configuration)
        }
    }

    @Test func configurationMatchesItsSchema() {
        #expect(ConfigurationContract.violations(of: ThresholdAdapter.self) == [])
    }

    @Test func conformance() async throws {
        try await AdapterConformance(
            typeName: "Threshold",
            validConfiguration: #"{"limit_w": 50000}"#,
            invalidConfiguration: #"{"limit_w": "high"}"#
        ).run()
    }
}

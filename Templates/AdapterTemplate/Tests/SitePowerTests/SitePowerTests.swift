import AdapterKit
import AdapterKitTesting
import SitePowerAdapter
import Testing

private func measurement(_ device: String, watts: Double) throws -> Event {
    var measurement = EnergyMeasurement()
    measurement.deviceID = device
    measurement.values = [EnergyValue(.activePowerImport, watts)]
    return try Event(topic: "sites/test-site/\(device)/measurements", payload: measurement, time: .now())
}

@Suite struct SitePowerTests {
    @Test func sumsTheLatestPowerOfEveryDevice() async throws {
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(SitePowerAdapter.self, configuration: #"{"devices": ["a", "b"]}"#)
        try await host.run(adapter) { host in
            try await host.deliver([
                try measurement("a", watts: 1000),
                try measurement("b", watts: 500),
                try measurement("other", watts: 9999),
                try measurement("a", watts: 1200),
            ], to: adapter)
        }
        let totals = try host.published.map { try $0.decode(EnergyMeasurement.self).value(of: .activePowerImport)?.value }
        #expect(totals == [1500, 1700])
        #expect(host.published.allSatisfy { $0.topic == "sites/test-site/under-test/total" })
    }

    @Test func aDeviceNamedTwiceIsRefused() throws {
        let host = try InMemoryHost()
        #expect(host.validate(SitePowerAdapter.self, configuration: #"{"devices": ["a", "a"]}"#)
            == [ConfigurationIssue("devices[1]", "\"a\" is named twice")])
    }

    @Test func configurationMatchesItsSchema() {
        #expect(ConfigurationContract.violations(of: SitePowerAdapter.self) == [])
    }
}

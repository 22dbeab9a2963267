import AdapterKit
import AdapterKitHarness
import AdapterKitTesting
import EnergyHost
import Testing

/// The boundary is a real C ABI: an adapter written in C, loaded by the host's loader, receives
/// events through `deliver` and publishes through the host services.
@Suite struct CAdapterTests {
    @Test(.timeLimit(.minutes(1))) func theCAdapterReceivesEventsAndPublishes() async throws {
        let harness = try PluginHarness(typeName: "CEcho")
        let echoes = harness.observe("sites/test-site/under-test/echo")
        let instance = try await harness.makeInstance(configuration: #"{"stream": "echo"}"#)
        var measurement = EnergyMeasurement()
        measurement.deviceID = "meter-1"
        measurement.values = [EnergyValue(.activePowerImport, 1234)]
        let sent = try (0..<100).map { index in
            try Event(topic: "sites/test-site/under-test/in", payload: measurement,
                      time: EventTime(nanosecondsSinceEpoch: 1_700_000_000_000_000_000 + Int64(index)))
        }
        let outcome = try await instance.run { instance in
            #expect(await instance.deliver(Array(sent[..<40])))
            #expect(await instance.deliver(Array(sent[40...])))
        }
        #expect(outcome == .stopped)
        let received = await echoes.collect(count: 100)
        #expect(received.count == 100)
        #expect(received.map(\.time) == sent.map(\.time))
        #expect(received.allSatisfy { $0.source == "under-test" && $0.kind == .measurement })
        #expect(received.map(\.sequence) == Array(1...100))
        #expect(try received[7].decode(EnergyMeasurement.self) == measurement)
        instance.destroy()
    }
}

import AdapterKit
import AdapterKitTesting
import Foundation
import Testing

@testable import EnergyMQTTBridge

/// Two bridges mirroring the same topics through a real broker: each event crosses once, and
/// nothing comes back.
@Suite(.serialized) struct MQTTBridgeMirrorTests {
    @Test(.timeLimit(.minutes(1))) func mirroredBridgesDoNotLoop() async throws {
        let broker = try MosquittoBroker()
        let watcher = try await BrokerSubscriber(port: broker.port, filters: ["mirror/#"])
        defer { watcher.stop() }
        let configuration = """
            {"broker": "\(broker.url)", "reconnect_max_s": 1, "outbound": [{"filter": "sites/#", "prefix": "mirror"}],
             "inbound": [{"filter": "mirror/#", "kinds": ["alarm"]}]}
            """
        let hostA = try InMemoryHost(siteID: "a", instanceID: "mqtt")
        let hostB = try InMemoryHost(siteID: "b", instanceID: "mqtt")
        let bridgeA = try hostA.makeAdapter(MQTTBridgeAdapter.self, configuration: configuration)
        // B writes the Protocol Buffers form; each reads either.
        let bridgeB = try hostB.makeAdapter(MQTTBridgeAdapter.self, configuration: configuration.replacingOccurrences(of: #""reconnect_max_s": 1"#, with: #""reconnect_max_s": 1, "format": "protobuf""#))
        try await hostA.run(bridgeA) { hostA in
            try await hostB.run(bridgeB) { hostB in
                try await MQTTTestSupport.waitFor(10, "both connected") { hostA.metric("mqttbridge_connected") == 1 && hostB.metric("mqttbridge_connected") == 1 }
                try await hostA.deliver((0..<10).map { MQTTBridgeBrokerTests.alarm($0) }, to: bridgeA)
                try await MQTTTestSupport.waitFor(10, "B received A's alarms") { hostB.published.filter { $0.isBridged }.count == 10 }
                // B's host delivers what B's bridge injected back to B's bridge (it subscribes to
                // sites/#), as a real host would: none of it may go out again.
                try await hostB.deliver(hostB.published.filter { $0.isBridged }, to: bridgeB)
                _ = try await watcher.waitFor(count: 10)
                try await Task.sleep(for: .seconds(2))
                #expect(watcher.received.count == 10, "each alarm crossed the broker once")
                #expect(hostA.published.filter { $0.isBridged }.isEmpty, "A took none of its own alarms back")
                #expect(hostA.metric("mqttbridge_refused_total", labels: ["route": "in-0", "reason": "echo"]) == 10)
                #expect(hostB.published.filter { $0.isBridged }.allSatisfy { $0.source == "tic" && $0.via == "mqtt" })
                // And B's own alarms reach A in B's form.
                try await hostB.deliver((0..<3).map { MQTTBridgeBrokerTests.alarm($0, site: "b") }, to: bridgeB)
                try await MQTTTestSupport.waitFor(10, "A received B's alarms") { hostA.published.filter { $0.isBridged }.count == 3 }
                let all = try await watcher.waitFor(count: 13)
                #expect(all.suffix(3).allSatisfy { $0.payload.first != UInt8(ascii: "{") })
            }
        }
    }
}

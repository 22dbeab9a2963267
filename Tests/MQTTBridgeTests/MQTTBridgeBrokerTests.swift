import AdapterKit
import AdapterKitTesting
import Foundation
import Testing

@testable import EnergyMQTTBridge

/// The adapter against a real Mosquitto on loopback, in an in-memory host: what goes out, what
/// comes in, what is refused, an outage, and the outbox across an instance restart.
@Suite(.serialized) struct MQTTBridgeBrokerTests {
    static func alarm(_ index: Int, site: String = "a") -> Event {
        var event = try! Event(
            topic: "sites/\(site)/tic/alarms", payload: EnergyAlarm(code: "a\(index)", severity: .warning, message: "alarm \(index)", active: true),
            time: EventTime(nanosecondsSinceEpoch: 1_764_000_000_000_000_000 + Int64(index))
        )
        event.source = "tic"
        return event
    }

    static func measurement(_ index: Int) -> Event {
        var measurement = EnergyMeasurement()
        measurement.deviceID = "meter-\(index)"
        var event = try! Event(topic: "sites/a/tic/measurements", payload: measurement, time: EventTime(nanosecondsSinceEpoch: Int64(index) * 1_000_000_000))
        event.source = "tic"
        return event
    }

    static func configuration(_ broker: MosquittoBroker, extra: String = "") -> String {
        """
        {"broker": "\(broker.url)", "gateway_id": "gw-a", "reconnect_max_s": 1,
         "inbound": [{"filter": "energy/+/sites/#", "kinds": ["measurement", "alarm"]},
                     {"name": "orders", "filter": "orders/#", "kinds": ["command"], "bus_prefix": "central"}]\(extra)}
        """
    }

    @Test(.timeLimit(.minutes(1))) func eventsGoOutWithTheirTopicsAndQoSAndComeBackIn() async throws {
        let broker = try MosquittoBroker()
        let peer = try await BrokerSubscriber(port: broker.port, filters: ["energy/#"])
        defer { peer.stop() }
        let host = try InMemoryHost(siteID: "a", instanceID: "mqtt")
        let adapter = try host.makeAdapter(MQTTBridgeAdapter.self, configuration: Self.configuration(broker))
        try await host.run(adapter) { host in
            let status = try await peer.waitFor(count: 1) { $0.topic == "energy/gw-a/status" }
            #expect(status.last?.text == #"{"gateway":"gw-a","state":"online"}"#)
            // Retained: a subscriber arriving later gets it at once.
            let late = try await BrokerSubscriber(port: broker.port, filters: ["energy/gw-a/status"])
            let kept = try await late.waitFor(count: 1)
            late.stop()
            #expect(kept[0].retained && kept[0].text == #"{"gateway":"gw-a","state":"online"}"#)
            try await host.deliver([Self.measurement(1), Self.alarm(1)], to: adapter)
            let measurement = try await peer.waitFor(count: 1) { $0.topic == "energy/gw-a/sites/a/tic/measurements" }[0]
            let alarm = try await peer.waitFor(count: 1) { $0.topic == "energy/gw-a/sites/a/tic/alarms" }[0]
            #expect(measurement.qos == 0 && alarm.qos == 1)
            let decoded = try BridgeMessage(bytes: alarm.payload)
            #expect(decoded.event == Self.alarm(1) && decoded.origin == "gw-a/mqtt" && decoded.seq == 1)
            #expect(try BridgeMessage(bytes: measurement.payload).seq == nil)

            // From another gateway: in, with its source and time, marked bridged.
            var remote = Self.alarm(7, site: "b")
            remote.source = "central-tic"
            try peer.publish("energy/gw-b/sites/b/tic/alarms", BridgeMessage(event: remote, origin: "gw-b/mqtt", epoch: "e1", seq: 5).encoded(.json))
            let injected = await host.waitForPublished(count: 1).filter { $0.topic == "sites/b/tic/alarms" }
            try #require(injected.count == 1)
            #expect(injected[0].source == "central-tic" && injected[0].time == remote.time && injected[0].via == "mqtt")
            #expect(injected[0].payload == remote.payload)

            // Refused: an operator's source, a command without a mapping naming it, a duplicate, our own echo.
            var forged = Self.alarm(8, site: "b")
            forged.source = Event.operatorSource
            try peer.publish("energy/gw-b/sites/b/tic/alarms", BridgeMessage(event: forged, origin: "gw-b/mqtt", epoch: "e1", seq: 6).encoded(.json))
            var command = try Event(topic: "sites/b/boiler/commands", payload: EnergyCommand(), time: remote.time)
            command.source = "ems"
            try peer.publish("energy/gw-b/sites/b/boiler/commands", BridgeMessage(event: command, origin: "gw-b/mqtt", epoch: "e1", seq: 7).encoded(.json))
            try peer.publish("energy/gw-b/sites/b/tic/alarms", BridgeMessage(event: remote, origin: "gw-b/mqtt", epoch: "e1", seq: 5).encoded(.json))
            try peer.publish("energy/gw-b/sites/b/tic/alarms", Array("{broken".utf8))
            try await MQTTTestSupport.waitFor(10, "the refusals") {
                host.metric("mqttbridge_refused_total", labels: ["route": "in-0", "reason": "malformed"]) == 1
            }
            #expect(host.metric("mqttbridge_refused_total", labels: ["route": "in-0", "reason": "reserved_source"]) == 1)
            #expect(host.metric("mqttbridge_refused_total", labels: ["route": "in-0", "reason": "command_not_allowed"]) == 1)
            #expect(host.metric("mqttbridge_refused_total", labels: ["route": "in-0", "reason": "duplicate"]) == 1)
            #expect((host.metric("mqttbridge_refused_total", labels: ["route": "in-0", "reason": "echo"]) ?? 0) >= 2)
            #expect(host.published.filter { $0.isBridged }.count == 1)

            // A command through the mapping that names commands: in, under its bus prefix.
            try peer.publish("orders/site-a", BridgeMessage(event: command, origin: "central/mqtt", epoch: "e2", seq: 1).encoded(.json))
            try await MQTTTestSupport.waitFor(10, "the allowed command") { host.published.contains { $0.topic == "central/sites/b/boiler/commands" } }
            #expect(host.metric("mqttbridge_messages_in_total", labels: ["route": "orders"]) == 1)
        }
        // A clean stop leaves `offline` as the retained status.
        try await MQTTTestSupport.waitFor(10, "the offline status") { peer.received.last { $0.topic == "energy/gw-a/status" }?.text.contains("stopped") == true }
    }

    /// A broker that never answers (nothing listens on its port) gives libmosquitto nothing to
    /// report: after 10 s without a connection the bridge says so, naming the broker, and stays
    /// degraded.
    @Test(.timeLimit(.minutes(1))) func aBrokerThatNeverAnswersIsAlarmedByName() async throws {
        let port = LoopbackPort.free()
        let host = try InMemoryHost(siteID: "a", instanceID: "mqtt")
        let adapter = try host.makeAdapter(MQTTBridgeAdapter.self, configuration: #"{"broker": "mqtt://127.0.0.1:\#(port)", "reconnect_max_s": 1}"#)
        try await host.run(adapter) { host in
            try await Task.sleep(for: .seconds(5))
            #expect(!host.published.contains { $0.kind == .alarm }, "not before 10 s")
            try await MQTTTestSupport.waitFor(15, "the broker_unreachable alarm") {
                host.published.contains { (try? $0.decode(EnergyAlarm.self))?.code == "broker_unreachable" }
            }
            let alarm = try #require(host.published.lazy.compactMap { try? $0.decode(EnergyAlarm.self) }.first { $0.code == "broker_unreachable" })
            #expect(alarm.active && alarm.message.contains("no connection to 127.0.0.1:\(port) for 10"), "\(alarm.message)")
            #expect(host.metric("health_degraded") == 1 && host.metric("mqttbridge_connected") == 0)
            #expect(host.logs.contains { $0.level == .warning && $0.message == "the broker cannot be reached; retrying" })
        }
    }

    /// The broker stopped for 30 s: lossless events wait in the outbox and all arrive once, in
    /// order, on the receiving bridge's bus (QoS 1 may carry one twice to the broker: the receiver
    /// drops it); telemetry beyond the buffer is dropped and counted; the bridge reconnects.
    @Test(.timeLimit(.minutes(2))) func aThirtySecondOutageLosesNoLosslessEvent() async throws {
        let broker = try MosquittoBroker()
        let host = try InMemoryHost(siteID: "a", instanceID: "mqtt")
        let adapter = try host.makeAdapter(MQTTBridgeAdapter.self, configuration: Self.configuration(broker, extra: #", "telemetry_buffer": 100"#))
        let central = try InMemoryHost(siteID: "central", instanceID: "mqtt")
        let receiver = try central.makeAdapter(
            MQTTBridgeAdapter.self,
            configuration: #"{"broker": "\#(broker.url)", "gateway_id": "central", "reconnect_max_s": 1, "outbound": [], "inbound": [{"filter": "energy/gw-a/sites/#", "kinds": ["alarm"]}]}"#
        )
        try await central.run(receiver) { central in
            try await host.run(adapter) { host in
                try await MQTTTestSupport.waitFor(10, "both connected") { host.metric("mqttbridge_connected") == 1 && central.metric("mqttbridge_connected") == 1 }
                try await host.deliver((0..<10).map { Self.alarm($0) }, to: adapter)
                try await MQTTTestSupport.waitFor(10, "the first alarms") { central.published.filter { $0.isBridged }.count == 10 }
                broker.stop()
                try await MQTTTestSupport.waitFor(10, "the disconnection") { host.metric("mqttbridge_connected") == 0 }
                let outageStart = ContinuousClock.now
                for batch in 0..<10 {
                    try await host.deliver((0..<5).map { Self.alarm(10 + batch * 5 + $0) } + (0..<50).map { Self.measurement(batch * 50 + $0) }, to: adapter)
                    try await Task.sleep(for: .seconds(2))
                }
                try await Task.sleep(until: outageStart + .seconds(30))
                try broker.start()
                try await MQTTTestSupport.waitFor(30, "60 alarms at the receiver") { central.published.filter { $0.isBridged }.count >= 60 }
                try await Task.sleep(for: .seconds(1))
                let codes = try central.published.filter { $0.isBridged }.map { try $0.decode(EnergyAlarm.self).code }
                #expect(codes == (0..<60).map { "a\($0)" }, "every alarm once, in order")
                #expect(host.metric("mqttbridge_telemetry_dropped_total", labels: ["route": "out-0"]) == 400)
                // 10 + 50 alarms and the 100 measurements the buffer kept.
                #expect(host.metric("mqttbridge_messages_out_total", labels: ["route": "out-0"]) == 160)
                #expect(host.metric("mqttbridge_reconnects_total") == 1)
                #expect(host.published.contains { $0.kind == .alarm && (try? $0.decode(EnergyAlarm.self).code) == "broker_unreachable" })
            }
        }
    }

    /// Lossless events queued while the broker is away survive the instance (a restart on the
    /// same data directory), then arrive; a duplicate seen before the restart stays a duplicate.
    @Test(.timeLimit(.minutes(1))) func theOutboxSurvivesARestart() async throws {
        let broker = try MosquittoBroker()
        broker.stop()
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-restart-\(UUID().uuidString)").path
        let first = try InMemoryHost(siteID: "a", instanceID: "mqtt", dataDirectory: dataDirectory)
        let configuration = Self.configuration(broker)
        let adapter = try first.makeAdapter(MQTTBridgeAdapter.self, configuration: configuration)
        try await first.run(adapter) { host in
            try await host.deliver((0..<20).map { Self.alarm($0) }, to: adapter)
        }
        try broker.start()
        let peer = try await BrokerSubscriber(port: broker.port, filters: ["energy/#"])
        defer { peer.stop() }
        let second = try InMemoryHost(siteID: "a", instanceID: "mqtt", dataDirectory: dataDirectory)
        let restarted = try second.makeAdapter(MQTTBridgeAdapter.self, configuration: configuration)
        try await second.run(restarted) { host in
            let alarms = try await peer.waitFor(count: 20) { $0.topic.hasSuffix("/alarms") }
            #expect(try alarms.map { try BridgeMessage(bytes: $0.payload).seq } == (1...20).map { Int64($0) })
            try await MQTTTestSupport.waitFor(10, "the outbox emptied") { host.metric("mqttbridge_outbox_depth") == 0 }
        }
    }
}

import AdapterKit
import AdapterKitHarness
import AdapterKitTesting
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

@testable import EnergyMQTTBridge

/// Real `energy-host` processes talking through a real Mosquitto: a site and a central host both
/// ways over TLS with client certificates, the last will of a killed host, the outbox across a
/// SIGKILL while the broker is down, and a fleet of 50 sites.
@Suite(.serialized) struct MQTTBridgeEndToEndTests {
    /// A host's directory with adapters.json (`adapters` is the JSON of one site's adapter list).
    static func host(_ id: String, site: String, adapters: String, certificates: URL? = nil) throws -> (directory: URL, admin: Int) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-e2e-\(id)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let certificates {
            for file in ["ca.pem", "client.pem", "client.key"] {
                try FileManager.default.copyItem(at: certificates.appendingPathComponent(file), to: directory.appendingPathComponent(file))
            }
        }
        try FileManager.default.copyItem(atPath: MQTTTestSupport.repositoryRoot + "/demo/site-meter.csv", toPath: directory.appendingPathComponent("meter.csv").path)
        try Data("operator-token-for-tests\n".utf8).write(to: directory.appendingPathComponent("operator.token"))
        let admin = LoopbackPort.free()
        let configuration = """
            {"host": {"id": "\(id)", "data_dir": "data", "shutdown_timeout_s": 5,
                      "admin": {"listen": "127.0.0.1:\(admin)", "operators": [{"name": "op", "token": "file:operator.token"}]}},
             "sites": [{"id": "\(site)", "adapters": \(adapters)}]}
            """
        try Data(configuration.utf8).write(to: directory.appendingPathComponent("adapters.json"))
        return (directory, admin)
    }

    static func start(_ directory: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PluginHarness.builtProductsDirectory + "/energy-host")
        process.arguments = ["run", "--config", "adapters.json"]
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        return process
    }

    static func stop(_ process: Process, signal: Int32 = SIGTERM) {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    /// The events a host's Recorder (`recorder`, in `site`) wrote.
    static func recorded(in directory: URL, site: String) -> [Event] {
        let file = directory.appendingPathComponent("data/\(site)/recorder/events.jsonl")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? Event(jsonLine: String($0)) }
    }

    static let recorder = #"{"id": "recorder", "plugin": "Recorder", "config": {"path": "events.jsonl"}, "subscribe": ["sites/#"]}"#
    static let meter = #"{"id": "meter", "plugin": "Replay", "config": {"file": "meter.csv", "speed": 20, "loop": true}}"#

    @Test(.timeLimit(.minutes(2))) func aSiteAndACentralHostExchangeEventsBothWaysOverTLS() async throws {
        let certificates = try MosquittoBroker.certificates()
        let broker = try MosquittoBroker(certificates: certificates)
        let watcher = try await BrokerSubscriber(port: broker.port, filters: ["energy/#"])
        defer { watcher.stop() }
        let tls = #""broker": "mqtts://127.0.0.1:\#(broker.tlsPort!)", "ca_certificate": "ca.pem", "client_certificate": "client.pem", "client_key": "client.key", "reconnect_max_s": 1"#
        let site = try Self.host(
            "site-a", site: "site-a",
            adapters: """
                [\(Self.meter),
                 {"id": "plant", "plugin": "PlantSimulator", "config": {"peak_w": 5000, "profile": "constant"}},
                 {"id": "mqtt", "plugin": "MQTTBridge", "config": {\(tls), "inbound": [{"filter": "energy/central/sites/#", "kinds": ["measurement"]}]}},
                 \(Self.recorder)]
                """,
            certificates: certificates
        )
        let central = try Self.host(
            "central", site: "central",
            adapters: """
                [{"id": "feed", "plugin": "Replay", "config": {"file": "meter.csv", "speed": 20, "loop": true}},
                 {"id": "mqtt", "plugin": "MQTTBridge", "config": {\(tls), "gateway_id": "central",
                    "inbound": [{"filter": "energy/+/sites/#", "kinds": ["measurement", "status", "alarm"]}]}},
                 \(Self.recorder)]
                """,
            certificates: certificates
        )
        // The central host subscribes first: the broker keeps nothing for a subscription that does
        // not exist yet (the plant's status goes out once, at its start).
        let centralHost = try Self.start(central.directory)
        try await MQTTTestSupport.waitFor(30, "the central host's bridge connected") {
            (try? await Self.metrics(admin: central.admin))?.contains(#"energy_adapter_mqttbridge_connected{site="central",adapter="mqtt"} 1"#) == true
        }
        let siteHost = try Self.start(site.directory)
        defer {
            Self.stop(siteHost)
            Self.stop(centralHost)
        }
        try await MQTTTestSupport.waitFor(60, "events from each host on the other") {
            let atCentral = Self.recorded(in: central.directory, site: "central").filter { $0.isBridged }
            let atSite = Self.recorded(in: site.directory, site: "site-a").filter { $0.isBridged }
            return atCentral.contains { $0.topic == "sites/site-a/meter/measurements" } && atCentral.contains { $0.kind == .status && $0.source == "plant" }
                && atSite.contains { $0.topic == "sites/central/feed/measurements" }
        }
        // At the central host: the site's events, with their source and time, marked bridged.
        let local = Self.recorded(in: site.directory, site: "site-a").filter { $0.source == "meter" && !$0.isBridged }
        let bridged = Self.recorded(in: central.directory, site: "central").filter { $0.source == "meter" }
        let first = try #require(bridged.first)
        #expect(first.via == "mqtt" && first.topic == "sites/site-a/meter/measurements")
        #expect(local.contains { $0.time == first.time && $0.payload == first.payload }, "the central host has the site's event as it was")
        let fromCentral = try #require(Self.recorded(in: site.directory, site: "site-a").first { $0.isBridged })
        #expect(fromCentral.source == "feed" && fromCentral.via == "mqtt")
        // On the broker: topics under each gateway's prefix, telemetry at QoS 0, statuses at QoS 1
        // (waited for: the watcher works through its messages in its own time).
        _ = try await watcher.waitFor(count: 1, matching: { $0.topic == "energy/site-a/sites/site-a/meter/measurements" && $0.qos == 0 }, seconds: 30)
        _ = try await watcher.waitFor(count: 1, matching: { $0.topic == "energy/site-a/sites/site-a/plant/status" && $0.qos == 1 }, seconds: 30)
        _ = try await watcher.waitFor(count: 1, matching: { $0.topic == "energy/central/sites/central/feed/measurements" }, seconds: 30)
        _ = try await watcher.waitFor(count: 1, matching: { $0.topic == "energy/site-a/status" && $0.text.contains("online") }, seconds: 30)
        let messages = watcher.received
        #expect(!messages.contains { $0.topic.hasPrefix("energy/central/sites/site-a") }, "the central host sends no bridged event back")
        // The real host takes the bridge's metrics (their names begin with the type's).
        let metrics = try await Self.metrics(admin: central.admin)
        #expect(metrics.contains(#"energy_adapter_mqttbridge_messages_in_total{site="central",adapter="mqtt",route="in-0"}"#), "\(metrics)")
        #expect(metrics.contains(#"energy_adapter_mqttbridge_connected{site="central",adapter="mqtt"} 1"#))
    }

    /// The site host killed: its last will appears. Killed again while the broker is down, with
    /// lossless events in its outbox: once both are back, every one arrives.
    @Test(.timeLimit(.minutes(2))) func theLastWillAndTheOutboxSurviveSIGKILL() async throws {
        let broker = try MosquittoBroker()
        let watcher = try await BrokerSubscriber(port: broker.port, filters: ["energy/#"], clientID: "kill-watcher", persistentSession: true)
        defer { watcher.stop() }
        let site = try Self.host(
            "site-a", site: "site-a",
            adapters: """
                [{"id": "plant", "plugin": "PlantSimulator", "config": {"peak_w": 5000, "profile": "constant"}},
                 {"id": "mqtt", "plugin": "MQTTBridge", "config": {"broker": "\(broker.url)", "keepalive_s": 5, "reconnect_max_s": 1}}]
                """
        )
        var host = try Self.start(site.directory)
        _ = try await watcher.waitFor(count: 1, matching: { $0.topic == "energy/site-a/status" && $0.text.contains("online") }, seconds: 30)
        Self.stop(host, signal: SIGKILL)
        _ = try await watcher.waitFor(count: 1, matching: { $0.text.contains("connection lost") }, seconds: 15)

        host = try Self.start(site.directory)
        _ = try await watcher.waitFor(count: 2, matching: { $0.topic == "energy/site-a/status" && $0.text.contains("online") }, seconds: 30)
        broker.stop()
        try await Task.sleep(for: .seconds(1))
        let references = (1...5).map { "E2E-\($0)" }
        for (index, reference) in references.enumerated() {
            let (status, output) = try Self.ctl(["command", "site-a/plant", index % 2 == 0 ? "curtail" : "release", "--reference", reference], admin: site.admin, in: site.directory)
            #expect(status == 0, "\(output)")
        }
        try await Task.sleep(for: .milliseconds(500))
        Self.stop(host, signal: SIGKILL)
        try broker.start()
        host = try Self.start(site.directory)
        defer { Self.stop(host) }
        let acks = try await watcher.waitFor(count: 5, matching: { $0.topic == "energy/site-a/sites/site-a/plant/acks" }, seconds: 30)
        let ids = try acks.map { try BridgeMessage(bytes: $0.payload).event.decode(EnergyCommandAck.self).id }
        #expect(Set(ids).count == 5 && ids.count == 5, "each acknowledgement once: \(ids)")
        let commands = watcher.received.filter { $0.topic == "energy/site-a/sites/site-a/plant/commands" }
        #expect(commands.count == 5)
    }

    /// The host's `/metrics` exposition.
    static func metrics(admin: Int) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(admin)/metrics")!)
        return String(decoding: data, as: UTF8.self)
    }

    static func ctl(_ arguments: [String], admin: Int, in directory: URL) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PluginHarness.builtProductsDirectory + "/energy-host")
        process.arguments = ["ctl"] + arguments + ["--admin", "127.0.0.1:\(admin)", "--token-file", "operator.token"]
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readToEndRetryingInterrupts()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// 50 sites (bridges in this process) send 20 alarms each to one central `energy-host`: every
    /// alarm of every site is recorded there once.
    @Test(.timeLimit(.minutes(2))) func aFleetOfFiftySitesReachesOneCentralHost() async throws {
        let broker = try MosquittoBroker()
        let central = try Self.host(
            "central", site: "central",
            adapters: """
                [{"id": "mqtt", "plugin": "MQTTBridge", "config": {"broker": "\(broker.url)", "gateway_id": "central", "outbound": [],
                    "inbound": [{"filter": "energy/+/sites/#", "kinds": ["alarm", "measurement"]}]}},
                 \(Self.recorder)]
                """
        )
        let centralHost = try Self.start(central.directory)
        defer { Self.stop(centralHost) }
        try await Task.sleep(for: .seconds(1))
        let sites = (1...50).map { "site-\($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for site in sites {
                group.addTask {
                    let host = try InMemoryHost(siteID: site, instanceID: "mqtt")
                    let bridge = try host.makeAdapter(MQTTBridgeAdapter.self, configuration: #"{"broker": "\#(broker.url)", "reconnect_max_s": 1}"#)
                    try await host.run(bridge) { host in
                        try await MQTTTestSupport.waitFor(30, "\(site) connected") { host.metric("mqttbridge_connected") == 1 }
                        try await host.deliver((0..<20).map { MQTTBridgeBrokerTests.alarm($0, site: site) }, to: bridge)
                        try await MQTTTestSupport.waitFor(30, "\(site)'s outbox emptied") { host.metric("mqttbridge_outbox_depth") == 0 }
                    }
                }
            }
            try await group.waitForAll()
        }
        try await MQTTTestSupport.waitFor(60, "1 000 alarms at the central host") {  // all arrive: how fast is the benchmark's question
            Self.recorded(in: central.directory, site: "central").filter { $0.kind == .alarm && $0.isBridged }.count >= 1000
        }
        let alarms = Self.recorded(in: central.directory, site: "central").filter { $0.kind == .alarm && $0.isBridged }
        #expect(alarms.count == 1000)
        #expect(Set(alarms.map(\.topic)).count == 50)
        #expect(Set(alarms.map { "\($0.topic) \($0.time)" }).count == 1000, "no duplicate")
    }
}

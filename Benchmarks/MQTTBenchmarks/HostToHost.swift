import AdapterKitTesting
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Two real `energy-host` processes (the release build beside this executable) and the broker: a
/// site host whose Probe emits `events` measurements as fast as its bridge takes them (a lossless
/// subscription, so none is dropped on the bus), and a central host whose bridge injects them.
/// Timed from the central host's first bridged event to its last, read from its `/metrics`
/// (`energy_adapter_mqttbridge_messages_in_total`, polled every 20 ms).
enum HostToHost {
    static let directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()

    /// Events per second from one host to the other, at `qos`.
    static func rate(events: Int, qos: Int, broker: MosquittoBroker) async throws -> Double {
        let centralAdmin = LoopbackPort.free()
        let central = try start(
            id: "central", admin: centralAdmin,
            adapters: #"[{"id": "mqtt", "plugin": "MQTTBridge", "config": {"broker": "\#(broker.url)", "gateway_id": "central", "outbound": [], "inbound": [{"filter": "energy/site/sites/#", "kinds": ["measurement"], "qos": \#(qos)}]}}]"#
        )
        defer { stop(central) }
        try await Task.sleep(for: .seconds(1))
        let site = try start(
            id: "site", admin: LoopbackPort.free(),
            adapters: """
                [{"id": "probe", "plugin": "Probe", "config": {"mode": "emit", "count": \(events)}},
                 {"id": "mqtt", "plugin": "MQTTBridge", "config": {"broker": "\(broker.url)", "gateway_id": "site",
                    "outbound": [{"filter": "sites/site/probe/#", "prefix": "energy/site", "qos": \(qos)}]},
                  "subscribe": [{"topic": "sites/site/probe/#", "policy": "lossless"}]}]
                """
        )
        defer { stop(site) }
        let clock = ContinuousClock()
        var first: ContinuousClock.Instant?
        let deadline = clock.now + .seconds(120)
        while clock.now < deadline {
            let received = await inbound(admin: centralAdmin)
            if received > 0, first == nil { first = clock.now }
            if received >= events, let first {
                let elapsed = clock.now - first
                return Double(events) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BenchError("the central host received \(await inbound(admin: centralAdmin)) of \(events) events")
    }

    private static func start(id: String, admin: Int, adapters: String) throws -> Process {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-bench-\(id)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let configuration = """
            {"host": {"id": "\(id)", "data_dir": "data", "log_level": "error", "admin": {"listen": "127.0.0.1:\(admin)"}},
             "sites": [{"id": "\(id)", "adapters": \(adapters)}]}
            """
        try Data(configuration.utf8).write(to: home.appendingPathComponent("adapters.json"))
        let process = Process()
        process.executableURL = directory.appendingPathComponent("energy-host")
        process.arguments = ["run", "--config", "adapters.json"]
        process.currentDirectoryURL = home
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private static func stop(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The central host's count of bridged events put on its bus.
    private static func inbound(admin: Int) async -> Int {
        guard let (data, _) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(admin)/metrics")!) else { return 0 }
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("energy_adapter_mqttbridge_messages_in_total{") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") }.map { Int($0) } ?? 0
    }
}

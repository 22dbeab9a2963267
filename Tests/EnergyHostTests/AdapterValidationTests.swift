import AdapterKit
import AdapterKitTesting
import Foundation
import Testing

/// Mistakes only an adapter can see (a file that does not exist, settings that contradict each
/// other), through the real `energy-host`: `validate` reports them all with their instance and
/// path; `run` fails the one instance at once, without restarts, while the others run.
@Suite struct AdapterValidationTests {
    /// Five instances, each with one mistake the schemas accept, and one good instance.
    private static let certificates = TestSupport.repositoryRoot.appendingPathComponent("demo/certs").path

    /// The environment the configuration's `${RTE_CLIENT_KEY}` reads: the demo's client key.
    private static func environment() throws -> [String: String] {
        ["RTE_CLIENT_KEY": try String(contentsOfFile: certificates + "/client.key", encoding: .utf8)]
    }

    private func site(admin: Int = 0) throws -> (directory: URL, config: String) {
        let certificates = Self.certificates
        let directory = try TestSupport.temporaryDirectory()
        try TestSupport.write("time,active_power_import_w\n2025-01-01T00:00:00Z,1000\n", to: "meter.csv", in: directory)
        let config = try TestSupport.write(#"""
            {"host": {"id": "gw", "admin": {"listen": "127.0.0.1:\#(admin)"}},
             "sites": [{"id": "s1", "adapters": [
                {"id": "meter", "plugin": "Replay", "config": {"file": "missing.csv"}},
                {"id": "rec", "plugin": "Recorder", "config": {"path": "/etc/hostname/events.jsonl"}},
                {"id": "limit", "plugin": "Threshold", "config": {"limit_w": 1000, "hysteresis_w": 1500}},
                {"id": "rte", "plugin": "Interruptibility", "config": {
                    "report_id": "c_s", "points": [{"name": "a", "topic": "sites/s1/meter/measurements"}],
                    "shed": [{"target": "load"}],
                    "reporting": {"url": "https://127.0.0.1:1/api/data", "client_certificate": "\#(certificates)/client.pem",
                                  "client_key": "${RTE_CLIENT_KEY}", "ca_certificate": "\#(certificates)/ca.pem", "interval_s": 2, "timeout_s": 2}}},
                {"id": "tic", "plugin": "TIC", "config": {"source": "/dev/ttyUSB0", "dictionaries": ["families/saphir.json"]}},
                {"id": "good", "plugin": "Replay", "config": {"file": "meter.csv", "loop": true, "speed": 1000}}
             ]}]}
            """#, to: "adapters.json", in: directory)
        return (directory, config)
    }

    @Test func validatePrintsEveryAdapterLevelMistakeWithItsInstanceAndPath() async throws {
        let (_, config) = try site()
        let result = try await TestSupport.run(TestSupport.hostExecutable, ["validate", "--config", config], environment: try Self.environment())
        #expect(result.status != 0)
        let lines = result.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first?.hasSuffix("adapters.json: 5 errors") == true, "\(result.output)")
        let expected = [
            "sites[0].adapters[0].config.file: cannot open",
            "sites[0].adapters[1].config.path: cannot create /etc/hostname/events.jsonl: /etc/hostname is not a directory",
            "sites[0].adapters[2].config.hysteresis_w: 1500.0 must not exceed limit_w (1000.0)",
            "sites[0].adapters[3].config.reporting.timeout_s: 2.0 s must be under interval_s (2.0 s)",
            "sites[0].adapters[4].config.dictionaries:",
        ]
        for prefix in expected {
            #expect(lines.contains { $0.hasPrefix(prefix) }, "missing \(prefix) in \(result.output)")
        }
        #expect(result.output.contains("saphir.json"), "\(result.output)")
    }

    @Test(.timeLimit(.minutes(1))) func runFailsTheRefusedInstanceAtOnceWhileTheOthersRun() async throws {
        let admin = LoopbackPort.free()
        let (directory, config) = try site(admin: admin)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.hostExecutable)
        process.arguments = ["run", "--config", config]
        process.environment = try Self.environment()
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        var adapters: [[String: Any]] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let (status, body) = try? await HTTP.get("http://127.0.0.1:\(admin)/adapters"), status == 200,
                let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                let list = object["adapters"] as? [[String: Any]],
                list.count == 6, list.filter({ $0["state"] as? String == "failed" }).count == 5
            {
                adapters = list
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let byID = Dictionary(uniqueKeysWithValues: adapters.map { ($0["id"] as? String ?? "", $0) })
        #expect(byID["good"]?["state"] as? String == "running", "\(adapters)")
        for id in ["meter", "rec", "limit", "rte", "tic"] {
            #expect(byID[id]?["state"] as? String == "failed", "\(id): \(adapters)")
            #expect(byID[id]?["restarts"] as? Int == 0, "\(id) was restarted: \(adapters)")
            #expect((byID[id]?["last_error"] as? String)?.hasPrefix("invalid configuration: ") == true, "\(id): \(adapters)")
        }
        #expect((byID["limit"]?["last_error"] as? String)?.contains("config.hysteresis_w") == true)
        process.terminate()
        process.waitUntilExit()
    }
}

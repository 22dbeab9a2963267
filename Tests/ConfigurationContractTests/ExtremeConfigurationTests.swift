import AdapterKit
import AdapterKitTesting
@testable import EnergyHost
import EnergyInterruptibility
import EnergyPlantSimulator
import EnergyMQTTBridge
import EnergyProbe
import EnergyRecorder
import EnergyReplay
import EnergyFlexReady
import EnergySmartOA
import EnergyThreshold
import EnergyTIC
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// Every adapter's configuration with one value made extreme (huge, tiny, negative, empty, very
/// long...): `validate` refuses it with a message, or the adapter is created and runs; nothing
/// traps. (A trap in an adapter kills the host and every other adapter with it.)
@Suite(.serialized) struct ExtremeConfigurationTests {
    /// The repository's Tests directory.
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    /// A configuration directory holding the files the base configurations name.
    static func configurationDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("extreme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("time_utc,frequency_hz\n2021-01-08T13:04:55.000Z,50.000\n2021-01-08T13:04:55.200Z,49.700\n".utf8)
            .write(to: directory.appendingPathComponent("frequency.csv"))
        try FileManager.default.copyItem(
            at: tests.appendingPathComponent("Fixtures/tic/linky-historic-enedis-tic2websocket.tic"),
            to: directory.appendingPathComponent("capture.tic")
        )
        return directory.path
    }

    /// Drives every variant of `base` through `validate`, and runs the accepted ones briefly.
    static func drive<A: Adapter>(_ type: A.Type, base: String) async throws -> (accepted: Int, refused: Int) {
        let directory = try configurationDirectory()
        let variants = ExtremeConfigurations.variants(of: base, schema: A.description.configurationSchema)
        #expect(variants.count > 10, "\(A.self): too few variants")
        var accepted = 0, refused = 0
        for variant in variants {
            let host = try InMemoryHost(configurationDirectory: directory)
            let issues = host.validate(type, configuration: variant.json)
            guard issues.isEmpty else {
                #expect(issues.allSatisfy { !$0.message.isEmpty }, "\(variant)")
                refused += 1
                continue
            }
            accepted += 1
            guard let adapter = try? host.makeAdapter(type, configuration: variant.json) else { continue }
            try? await host.run(adapter) { _ in try await Task.sleep(for: .milliseconds(10)) }
        }
        return (accepted, refused)
    }

    @Test func recorder() async throws {
        let counts = try await Self.drive(RecorderAdapter.self, base: #"{"path": "out/events.jsonl", "max_bytes": 4096, "keep": 2}"#)
        #expect(counts.refused > 0)
    }

    @Test func replay() async throws {
        let counts = try await Self.drive(ReplayAdapter.self, base: #"{"file": "frequency.csv", "speed": 1000, "loop": true}"#)
        #expect(counts.refused > 0)
    }

    @Test func probe() async throws {
        let counts = try await Self.drive(ProbeAdapter.self, base: #"{"mode": "emit", "rate": 1000, "count": 10}"#)
        #expect(counts.refused > 0)
    }

    @Test func threshold() async throws {
        let counts = try await Self.drive(ThresholdAdapter.self, base: #"{"limit_w": 1000, "hysteresis_w": 100}"#)
        #expect(counts.refused > 0)
    }

    @Test func tic() async throws {
        let counts = try await Self.drive(TICAdapter.self, base: #"{"source": "file:capture.tic", "loop": true}"#)
        #expect(counts.refused > 0)
    }

    @Test func interruptibility() async throws {
        let counts = try await Self.drive(InterruptibilityAdapter.self, base: #"""
            {"report_id": "client42_site7", "sample_time": "received",
             "points": [{"name": "poste-a", "topic": "sites/test-site/analyser-a/measurements"},
                        {"name": "poste-b", "topic": "sites/test-site/analyser-b/measurements"}],
             "power": {"topic": "sites/test-site/meter/measurements"},
             "shed": [{"target": "load-1"}]}
            """#)
        #expect(counts.refused > 0)
    }

    @Test func smartOA() async throws {
        let counts = try await Self.drive(SmartOAAdapter.self, base: #"""
            {"base_urls": {"recette": "https://127.0.0.1:1"}, "poll_interval_s": 60,
             "accounts": [{"name": "producer-a", "token": "token-a", "token_expires": "2027-01-31",
                           "contracts": [{"contract_id": "OA-1", "targets": ["plant-a"], "acknowledge": "after_plant"}]}]}
            """#)
        #expect(counts.refused > 0)
    }

    @Test func flexReady() async throws {
        let counts = try await Self.drive(FlexReadyAdapter.self, base: #"""
            {"port": 0, "base_path": "/s", "clients": [{"name": "aggregator", "token": "token-0123456789"}],
             "bacs": [{"id": "b1", "level": 2, "minimum_price": 40, "assets": [{"id": "WholeBuilding", "flex_product": "WID", "potentials": [
               {"power_kw": 80, "max_duration_min": 60, "year_period": {"start_day": "2026-01-01", "end_day": "2026-12-31"},
                "months": [1, 12], "weekdays": [1, 5], "hours": [7, 19]},
               {"power_kw": 50, "max_duration_min": 2, "windows": [{"start": "2026-04-02T10:00:00", "end": "2026-04-02T12:00:00"}]}]}]}]}
            """#)
        #expect(counts.refused > 0)
    }

    @Test func plantSimulator() async throws {
        let counts = try await Self.drive(PlantSimulatorAdapter.self, base: #"{"technology": "wind", "peak_w": 10000000, "interval_s": 1, "profile": "wind"}"#)
        #expect(counts.refused > 0)
    }

    @Test func mqttBridge() async throws {
        let counts = try await Self.drive(MQTTBridgeAdapter.self, base: #"""
            {"broker": "mqtt://127.0.0.1:1", "keepalive_s": 30, "telemetry_buffer": 100, "inflight_limit": 10,
             "outbound": [{"filter": "sites/#", "prefix": "energy/gw", "qos": 1, "retain": false, "kinds": ["alarm"]}],
             "inbound": [{"filter": "energy/+/sites/#", "kinds": ["alarm"], "bus_prefix": "fleet", "qos": 0}]}
            """#)
        #expect(counts.refused > 0)
    }

    /// adapters.json itself: each host setting made extreme is refused with its path, or the host
    /// runs with it and shuts down.
    @Test(.timeLimit(.minutes(2))) func hostDocument() async throws {
        let directory = try Self.configurationDirectory()
        let base = #"""
            {"host": {"id": "gw", "data_dir": "data", "log_level": "error", "shutdown_timeout_s": 1,
                      "admin": {"listen": "127.0.0.1:0", "command_timeout_s": 1, "idle_timeout_s": 1, "max_connections": 4,
                                "operators": [{"name": "op", "token": "0123456789abcdef"}]}},
             "sites": [{"id": "s", "name": "Site", "adapters": []}]}
            """#
        let variants = ExtremeConfigurations.variants(of: base, schema: HostConfigurationSchema.schema)
        #expect(variants.count > 20)
        var accepted = 0
        for variant in variants {
            let path = directory + "/adapters.json"
            try Data(variant.json.utf8).write(to: URL(fileURLWithPath: path))
            let loaded: ConfigurationLoader.Loaded
            do {
                loaded = try ConfigurationLoader(pluginDirectory: directory).load(file: path)
            } catch {
                #expect(error.issues.allSatisfy { !$0.message.isEmpty }, "\(variant)")
                continue
            }
            accepted += 1
            let runtime = try HostRuntime(loaded: loaded, logger: Logger(label: "extreme"))
            let group = runtime.makeServiceGroup(signals: [])
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try? await group.run() }
                try await Task.sleep(for: .milliseconds(20))
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
        #expect(accepted > 0)
    }
}

import AdapterKit
import AdapterKitHarness
import AdapterKitTesting
import EnergySmartOASimulator
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `energy-host` with SmartOA, a PlantSimulator and a Recorder, against the simulator
/// running in the test (real time): the whole loop, and SIGKILL between storing and acknowledging
/// and between sending and recording the answer.
@Suite(.serialized) struct SmartOAEndToEndTests {
    static let products = PluginHarness.builtProductsDirectory

    /// A site directory: the CA, the token, adapters.json with the admin API on a free port.
    static func site(platformPort: Int) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smartoa-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: SmartOATestSupport.repositoryRoot + "/demo/certs/ca.pem", toPath: directory.appendingPathComponent("ca.pem").path)
        try Data("token-a\n".utf8).write(to: directory.appendingPathComponent("token"))
        let configuration = """
            {"host": {"id": "e2e", "data_dir": "data", "admin": {"listen": "127.0.0.1:\(LoopbackPort.free())"}, "shutdown_timeout_s": 5},
             "sites": [{"id": "producer", "adapters": [
               {"id": "smartoa", "plugin": "SmartOA", "config": {
                  "base_urls": {"recette": "https://127.0.0.1:\(platformPort)"}, "ca_certificate": "ca.pem",
                  "poll_interval_s": 5, "poll_jitter_s": 0, "request_timeout_s": 2,
                  "accounts": [{"name": "producer-a", "token": "file:token", "contracts": [{"contract_id": "OA-1", "targets": ["plant"]}]}]}},
               {"id": "plant", "plugin": "PlantSimulator", "accept_commands_from": ["smartoa"], "config": {"technology": "pv", "peak_w": 12000000, "profile": "constant", "interval_s": 0.5}},
               {"id": "recorder", "plugin": "Recorder", "config": {"path": "events.jsonl"}, "subscribe": ["sites/producer/#"]}
             ]}]}
            """
        try Data(configuration.utf8).write(to: directory.appendingPathComponent("adapters.json"))
        return directory
    }

    static func startHost(in directory: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: products + "/energy-host")
        process.arguments = ["run", "--config", "adapters.json"]
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func kill9(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    static func waitFor(_ seconds: Int, _ what: String, _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while try !condition() {
            guard ContinuousClock.now < deadline else { throw WaitError(what: what) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    struct WaitError: Error, CustomStringConvertible {
        var what: String
        var description: String { "timed out waiting for \(what)" }
    }

    /// The recorded events of `kind`, decoded.
    static func recorded<T: EventPayload>(_ type: T.Type, kind: EventKind, in directory: URL) -> [(event: Event, payload: T)] {
        let file = directory.appendingPathComponent("data/producer/recorder/events.jsonl")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let event = try? Event(jsonLine: String(line)), event.kind == kind, let payload = try? event.decode(type) else { return nil }
            return (event, payload)
        }
    }

    static func scenario(stopIn start: Double, for length: Double) -> SmartOAScenario {
        SmartOAScenario(
            accounts: [.init(token: "token-a", name: "producer-a", contracts: ["OA-1"])],
            contracts: [.init(id: "OA-1", name: "Parc PV", technology: .pv, contractualPowerKw: 12_000)],
            curtailments: [
                .init(id: "RODAGE", contract: "OA-1", revisions: [.init(startInS: 3600, endInS: 4500, value: 0)]),
                .init(id: "STOP", contract: "OA-1", revisions: [.init(startInS: start, endInS: start + length, value: 1)]),
            ]
        )
    }

    /// Each revision in the platform's record exactly once, and nothing refused as a duplicate.
    static func expectExactlyOnce(_ simulator: SmartOASimulator, _ revisions: [String]) {
        let records = simulator.acknowledgements()
        let created = records.filter { $0.outcome == .created }.map { "\($0.curtailmentId ?? "?") v\($0.version ?? 0)" }
        #expect(created.sorted() == revisions.sorted())
        #expect(!records.contains { $0.outcome == .duplicate }, "\(records.map(\.outcome))")
    }

    @Test(.timeLimit(.minutes(2))) func killedBetweenStoringAndAcknowledgingThenTheWholeLoop() async throws {
        let simulator = try SmartOASimulator(scenario: Self.scenario(stopIn: 25, for: 10))
        try await SmartOATestSupport.withPlatform(simulator) { port in
            let site = try Self.site(platformPort: port)
            defer { try? FileManager.default.removeItem(at: site) }
            simulator.refuseAcknowledgements(status: 503)  // stored by the host, never acknowledged
            var host = try Self.startHost(in: site)
            try await Self.waitFor(20, "two refused acknowledgements") { simulator.acknowledgements().filter { $0.outcome == .refused }.count >= 2 }
            Self.kill9(host)
            simulator.refuseAcknowledgements(status: nil)
            host = try Self.startHost(in: site)
            defer { Self.kill9(host) }
            try await Self.waitFor(20, "both acknowledged") { simulator.acknowledgements().filter { $0.outcome == .created }.count == 2 }

            // The stop at 25 s: the command reaches the plant, its power goes to 0 and comes back.
            try await Self.waitFor(40, "the release") {
                Self.recorded(EnergyCommand.self, kind: .command, in: site).contains { $0.payload.action == "release" }
            }
            try await Task.sleep(for: .seconds(2))
            let commands = Self.recorded(EnergyCommand.self, kind: .command, in: site)
            #expect(commands.map(\.payload.action) == ["curtail", "release"])
            let acks = Self.recorded(EnergyCommandAck.self, kind: .commandAck, in: site).filter { $0.event.source == "plant" }
            #expect(acks.map(\.payload.outcome) == ["executed", "executed"])
            let curtailed = try #require(commands.first?.event.time), released = try #require(commands.last?.event.time)
            let power = Self.recorded(EnergyMeasurement.self, kind: .measurement, in: site)
                .filter { $0.event.source == "plant" }.map { ($0.event.time, $0.payload.value(of: .activePowerExport)?.value ?? -1) }
            let obeyed = try #require(acks.first?.event.time)  // the plant's answer to the curtailment
            let stopEnd = EventTime(simulator.startedAt.addingTimeInterval(35))  // the plant also ends it itself at valid_until
            let during = power.filter { $0.0 >= obeyed && $0.0 < min(released, stopEnd) }
            #expect(during.count >= 10 && during.allSatisfy { $0.1 == 0 }, "the plant at 0 during the stop: \(during.map(\.1))")
            #expect(power.filter { $0.0 > released }.contains { $0.1 == 12_000_000 }, "back to its profile after")
            #expect(power.filter { $0.0 < curtailed }.allSatisfy { $0.1 == 12_000_000 })
            let stopStart = simulator.startedAt.addingTimeInterval(25)
            #expect(abs(curtailed.date.timeIntervalSince(stopStart)) < 1.5, "curtailed at the order's start")
            Self.expectExactlyOnce(simulator, ["RODAGE v1", "STOP v1"])
        }
    }

    @Test(.timeLimit(.minutes(2))) func killedBetweenSendingAndRecordingTheAnswerNothingIsSentTwice() async throws {
        let simulator = try SmartOASimulator(scenario: Self.scenario(stopIn: 600, for: 900))
        try await SmartOATestSupport.withPlatform(simulator) { port in
            let site = try Self.site(platformPort: port)
            defer { try? FileManager.default.removeItem(at: site) }
            simulator.holdAcknowledgements(for: .seconds(60))  // stored by the platform, the answer never comes in time
            var host = try Self.startHost(in: site)
            try await Self.waitFor(20, "the first acknowledgement") { !simulator.acknowledgements().isEmpty }
            Self.kill9(host)
            simulator.holdAcknowledgements(for: nil)
            #expect(simulator.acknowledgements().count == 1, "killed with the first answer outstanding")
            host = try Self.startHost(in: site)
            defer { Self.kill9(host) }
            try await Self.waitFor(30, "the second revision acknowledged") { simulator.acknowledgements().filter { $0.outcome == .created }.count == 2 }
            try await Task.sleep(for: .seconds(12))  // two more polls: nothing is sent again
            Self.expectExactlyOnce(simulator, ["RODAGE v1", "STOP v1"])
            #expect(simulator.requests().contains { $0.path.hasPrefix("/acknowledgements?") }, "the uncertain one was reconciled with GET")
        }
    }
}

import AdapterKit
import AdapterKitHarness
import AdapterKitTesting
import Foundation
import EnergyInterruptibility
import EnergyRTEPOC
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The demo site through the real `energy-host` and `energy-sim` binaries: the replayed dip trips,
/// the shed command reaches the recorder, the reports say so, a restart keeps the trip, the CLI
/// restores it, and the audit trail holds the whole story.
@Suite(.serialized) struct InterruptibilityEndToEndTests {
    static let products = PluginHarness.builtProductsDirectory

    /// A copy of the demo site with the admin API and the simulator on free ports.
    static func demoSite() throws -> (directory: URL, admin: Int, simulator: Int) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("interruptibility-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: RTETestBed.repositoryRoot.appendingPathComponent("demo"), to: directory.appendingPathComponent("demo"))
        let admin = LoopbackPort.free(), simulator = LoopbackPort.free()
        var configuration = try String(contentsOf: RTETestBed.repositoryRoot.appendingPathComponent("adapters.json"), encoding: .utf8)
        configuration = configuration.replacingOccurrences(of: "127.0.0.1:9480", with: "127.0.0.1:\(admin)")
            .replacingOccurrences(of: "127.0.0.1:8443", with: "127.0.0.1:\(simulator)")
        try Data(configuration.utf8).write(to: directory.appendingPathComponent("adapters.json"))
        return (directory, admin, simulator)
    }

    static func start(_ executable: String, _ arguments: [String], in directory: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: products + "/" + executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func stop(_ process: Process) {
        process.terminate()  // SIGTERM: a graceful shutdown
        process.waitUntilExit()
    }

    /// Waits up to `seconds` for `condition`, checked `every` so often.
    static func waitFor(_ seconds: Int, _ what: String, every: Duration = .milliseconds(100), _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while try !condition() {
            guard ContinuousClock.now < deadline else { throw WaitError(what: what) }
            try await Task.sleep(for: every)
        }
    }

    struct WaitError: Error, CustomStringConvertible {
        var what: String
        var description: String { "timed out waiting for \(what)" }
    }

    /// The commands the recorder wrote to load-controller (a line cut by a kill, not yet
    /// truncated by the recorder's restart, is not one).
    static func recordedCommands(in directory: URL) throws -> [EnergyCommand] {
        let file = directory.appendingPathComponent("data/demo/recorder/events.jsonl")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard line.contains("sites/demo/load-controller/commands") else { return nil }
            return try? Event(jsonLine: String(line)).decode(EnergyCommand.self)
        }
    }

    @Test(.timeLimit(.minutes(2))) func aReplayedDipTripsAndOnlyTheCLIRestoresItAcrossARestart() async throws {
        let (site, admin, simulatorPort) = try Self.demoSite()
        let database = site.appendingPathComponent("rte-poc.sqlite").path
        let simulator = try Self.start("energy-sim", [
            "rte-poc", "serve", "--listen", "127.0.0.1:\(simulatorPort)", "--certificate", "demo/certs/server.pem",
            "--key", "demo/certs/server.key", "--client-ca", "demo/certs/ca.pem", "--database", database,
        ], in: site)
        defer { Self.stop(simulator) }
        let store = try RTEReportStore(path: database)

        // The dip trips about 14.4 s after the start: a shed command reaches the recorder.
        var host = try Self.start("energy-host", ["run", "--config", "adapters.json"], in: site)
        try await Self.waitFor(40, "the shed command", every: .milliseconds(2)) { try Self.recordedCommands(in: site).contains { $0.action == "shed" } }
        // The host is killed the moment the shed is seen downstream (no graceful shutdown): a shed
        // that left the host is a trip held after the restart (the reports say true, the load is
        // shed again).
        kill(host.processIdentifier, SIGKILL)
        host.waitUntilExit()
        #expect(try Self.recordedCommands(in: site).filter { $0.action == "shed" }.count == 1)
        let restartedAt = EventTime.now()
        host = try Self.start("energy-host", ["run", "--config", "adapters.json"], in: site)
        defer { Self.stop(host) }
        try await Self.waitFor(10, "the shed command after the restart") { try Self.recordedCommands(in: site).filter { $0.action == "shed" }.count == 2 }
        try await Self.waitFor(10, "a report after the restart") {
            try store.entries().contains { $0.received.nanosecondsSinceEpoch > restartedAt.nanosecondsSinceEpoch }
        }
        #expect(try store.entries().filter { $0.received.nanosecondsSinceEpoch > restartedAt.nanosecondsSinceEpoch }.allSatisfy(\.report.state))

        // The authorised restore through the CLI.
        let ctl = Process()
        ctl.executableURL = URL(fileURLWithPath: Self.products + "/energy-host")
        ctl.arguments = ["ctl", "restore", "demo/interruptibility", "--reference", "RTE-E2E-1", "--admin", "127.0.0.1:\(admin)", "--token-file", "demo/operator.token"]
        ctl.currentDirectoryURL = site
        let output = Pipe()
        ctl.standardOutput = output
        try ctl.run()
        ctl.waitUntilExit()
        let reply = String(decoding: output.fileHandleForReading.readToEndRetryingInterrupts(), as: UTF8.self)
        #expect(ctl.terminationStatus == 0, "\(reply)")
        #expect(reply.contains(#""outcome":"executed""#) && reply.contains(#""issued_by":"demo-operator""#))
        let restoredAt = EventTime.now()
        try await Self.waitFor(5, "a report with state false") {
            try store.entries().contains { $0.received.nanosecondsSinceEpoch > restoredAt.nanosecondsSinceEpoch && !$0.report.state }
        }
        let restores = try Self.recordedCommands(in: site).filter { $0.action == "restore" }
        #expect(restores.count == 1)
        #expect(restores.first?.issuedBy == "demo-operator" && restores.first?.reference == "RTE-E2E-1")
        Self.stop(host)

        // The audit trail holds the whole story, in order.
        let audit = try AuditTrail(path: site.appendingPathComponent("data/demo/interruptibility/\(InterruptibilityAdapter.auditFile)").path)
        let kinds = try audit.entries().map(\.kind).filter { ["trip", "shed_sent", "resumed", "restore", "restore_sent"].contains($0) }
        #expect(Array(kinds.prefix(5)) == ["trip", "shed_sent", "resumed", "restore", "restore_sent"])
        #expect(try audit.entries().first { $0.kind == "restore" }?.detail == "authorised by demo-operator, reference RTE-E2E-1")
    }
}

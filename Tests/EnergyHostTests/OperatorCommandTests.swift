import AdapterKit
import EnergyHost
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import Logging
import Synchronization
import Testing

/// Operators' commands through the real admin API and the real `energy-host ctl`: authenticated by
/// token, published on the adapter's commands topic with who and the reference, answered by the
/// adapter's acknowledgement.
@Suite(.serialized) struct OperatorCommandTests {
    static let token = "alice-token-0123456789"

    @Test(.timeLimit(.minutes(1))) func aCommandCarriesItsOperatorAndReferenceAndReturnsTheAcknowledgement() async throws {
        let directory = try TestSupport.temporaryDirectory()
        try TestSupport.write(Self.token + "\n", to: "alice.token", in: directory)
        try TestSupport.write("not-the-right-token-at-all", to: "mallory.token", in: directory)
        let path = try TestSupport.write(#"""
            {"host": {"id": "gw", "data_dir": "data",
                      "admin": {"listen": "127.0.0.1:0", "command_timeout_s": 0.5,
                                "operators": [{"name": "alice", "token": "file:alice.token"}]}},
             "sites": [{"id": "s", "adapters": [{"id": "load", "plugin": "Probe", "config": {"mode": "emit", "rate": 1}}]}]}
            """#, to: "adapters.json", in: directory)
        let loaded = try ConfigurationLoader(pluginDirectory: TestSupport.products).load(file: path)
        let runtime = try HostRuntime(loaded: loaded, logger: Logger(label: "test"))
        let port = Atomic<Int>(0)
        let group = runtime.makeServiceGroup(signals: []) { port.store($0, ordering: .relaxed) }

        // The test answers for the adapter: `restore` is executed, anything else rejected, and a
        // command with reference "silent" is never answered.
        let commands = SubscriberQueue(name: "test", capacity: 16)
        runtime.bus.subscribe(commands, filter: "sites/s/load/commands", policy: .lossless)
        let observed = SubscriberQueue(name: "observer", capacity: 16)
        runtime.bus.subscribe(observed, filter: "sites/s/load/commands", policy: .lossless)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                while let batch = await commands.next(maxCount: 8) {
                    for event in batch {
                        let command = try event.decode(EnergyCommand.self)
                        #expect(event.source == "admin")
                        guard command.reference != "silent" else { continue }
                        var ack = EnergyCommandAck()
                        ack.id = command.id
                        ack.outcome = command.action == "restore" ? "executed" : "rejected"
                        ack.detail = command.action == "restore" ? "load restored" : "unknown action \(command.action)"
                        var answer = try Event(topic: "sites/s/load/acks", payload: ack, time: EventTime(Date()))
                        answer.source = "load"
                        _ = runtime.bus.publish(answer)
                    }
                }
            }
            while port.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(10)) }
            let admin = "127.0.0.1:\(port.load(ordering: .relaxed))"
            func ctl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
                try await TestSupport.run(TestSupport.hostExecutable, ["ctl"] + arguments + ["--admin", admin])
            }
            let alice = ["--token-file", directory.appendingPathComponent("alice.token").path]

            let restored = try await ctl(["restore", "s/load", "--reference", "RTE-2026-0042", "--reason", "phone call"] + alice)
            #expect(restored.status == 0, "\(restored.output)")
            #expect(restored.output.contains(#""outcome":"executed""#))
            #expect(restored.output.contains(#""issued_by":"alice""#))
            #expect(restored.output.contains(#""reference":"RTE-2026-0042""#))
            let first = try #require(await observed.next(maxCount: 1)?.first).decode(EnergyCommand.self)
            #expect(first.action == "restore" && first.issuedBy == "alice" && first.reference == "RTE-2026-0042")
            #expect(first.reason == "phone call" && first.target == "load")

            let rejected = try await ctl(["command", "s/load", "dance", "--reference", "T-1"] + alice)
            #expect(rejected.status != 0)
            #expect(rejected.output.contains("dance to s/load: rejected by the adapter (409): unknown action dance"), "\(rejected.output)")

            let silent = try await ctl(["command", "s/load", "restore", "--reference", "silent"] + alice)
            #expect(silent.status != 0)
            #expect(silent.output.contains("s/load did not acknowledge it in time (504)"), "\(silent.output)")
            #expect(!silent.output.contains("cannot reach"))

            let wrongToken = try await ctl(["restore", "s/load", "--reference", "x", "--token-file", directory.appendingPathComponent("mallory.token").path])
            #expect(wrongToken.status != 0)
            #expect(wrongToken.output.contains("the admin API refused the token (401)"), "\(wrongToken.output)")
            #expect(!wrongToken.output.contains("token is required"))
            let noToken = try await ctl(["restore", "s/load", "--reference", "x"])
            #expect(noToken.status != 0)
            let noTokenLines = noToken.output.split(separator: "\n")
            #expect(noTokenLines == ["Error: no operator token: give --token-file or set ENERGY_HOST_TOKEN"], "\(noToken.output)")
            let unknown = try await ctl(["restore", "s/nobody", "--reference", "x"] + alice)
            #expect(unknown.output.contains("no adapter s/nobody on this host (404)"), "\(unknown.output)")
            // A request without a reference, as another client could send it.
            var raw = URLRequest(url: URL(string: "http://\(admin)/adapters/s/load/commands")!)
            raw.httpMethod = "POST"
            raw.setValue("Bearer \(Self.token)", forHTTPHeaderField: "Authorization")
            raw.httpBody = Data(#"{"action": "restore"}"#.utf8)
            let (_, rawResponse) = try await URLSession.shared.data(for: raw)
            #expect((rawResponse as? HTTPURLResponse)?.statusCode == 400)
            observed.close()
            #expect(await observed.next(maxCount: 16)?.count == 2)  // then the two others: refused requests never reach the bus

            // Every attempt that reached the host is in its audit, through ctl and in the SQLite file.
            let audit = try await ctl(["audit"] + alice)
            #expect(audit.status == 0, "\(audit.output)")
            let outcomes = audit.output.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["outcome"] as? String
            }
            #expect(outcomes == ["executed", "rejected", "no_ack", "unauthenticated", "unknown_adapter", "missing_reference"], "\(audit.output)")
            #expect(audit.output.contains(#""operator_name":"alice""#) && audit.output.contains(#""reference":"RTE-2026-0042""#))
            let stored = try await runtime.audit.entries()
            #expect(stored.map(\.outcome) == outcomes)
            #expect(stored[3].operatorName.isEmpty && stored[3].httpStatus == 401)
            #expect(stored[0].commandId == first.id)
            let deniedAudit = try await ctl(["audit", "--token-file", directory.appendingPathComponent("mallory.token").path])
            #expect(deniedAudit.output.contains("refused the token (401)"))
            // Append-only: the file refuses changes and deletions.
            let file = try DatabaseQueue(path: OperatorAudit.path(dataDirectory: loaded.configuration.host.dataDirectory))
            #expect(throws: (any Error).self) { try file.write { try $0.execute(sql: "UPDATE commands SET outcome = 'executed'") } }
            #expect(throws: (any Error).self) { try file.write { try $0.execute(sql: "DELETE FROM commands") } }

            await group.triggerGracefulShutdown()
            commands.close()
            try await tasks.waitForAll()
        }
    }

    @Test func operatorTokensAreSecretsAndNamesAreUnique() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = try TestSupport.write(#"""
            {"host": {"id": "gw", "admin": {"operators": [{"name": "alice", "token": "in-clear-0123456789"},
                                                          {"name": "alice", "token": "${NO_SUCH_VARIABLE_HERE}"}]}},
             "sites": [{"id": "s", "adapters": [{"id": "load", "plugin": "Probe", "config": {"mode": "emit", "rate": 1}}]}]}
            """#, to: "adapters.json", in: directory)
        #expect {
            try ConfigurationLoader(pluginDirectory: TestSupport.products).load(file: path)
        } throws: { error in
            let text = "\(error)"
            return text.contains("host.admin.operators[0].token") && text.contains("not in clear") && !text.contains("in-clear-0123456789")
                && text.contains("host.admin.operators[1].name") && text.contains("named twice")
        }
    }

    @Test func twoOperatorsSharingATokenAreRefusedWithoutShowingIt() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = try TestSupport.write(#"""
            {"host": {"id": "gw", "admin": {"operators": [{"name": "alice", "token": "${SHARED_TOKEN}"},
                                                          {"name": "bob", "token": "${SHARED_TOKEN}"}]}},
             "sites": [{"id": "s", "adapters": []}]}
            """#, to: "adapters.json", in: directory)
        #expect {
            try ConfigurationLoader(pluginDirectory: TestSupport.products, environment: ["SHARED_TOKEN": "shared-secret-0123456789"]).load(file: path)
        } throws: { error in
            let text = "\(error)"
            return text.contains("host.admin.operators[1].token: the same token as operators[0]") && !text.contains("shared-secret-0123456789")
        }
    }

    /// Texts that end up in logs and records are checked: a newline after the action, or a NUL or
    /// newline inside the reference, could forge a line.
    @Test(arguments: [
        (OperatorCommandRequest(action: "restore\n", reference: "RTE-1"), "bad_request"),
        (OperatorCommandRequest(action: "restore", reference: "RTE-1\nfake line"), "bad_request"),
        (OperatorCommandRequest(action: "restore", reference: "RTE-\u{0}1"), "bad_request"),
        (OperatorCommandRequest(action: "restore", reference: String(repeating: "r", count: 201)), "bad_request"),
        (OperatorCommandRequest(action: "restore", reference: "RTE-1", reason: "a\rb"), "bad_request"),
        (OperatorCommandRequest(action: "restore", reference: " \n "), "missing_reference"),
    ])
    func malformedRequestsAreRefused(request: OperatorCommandRequest, outcome: String) {
        #expect(request.problem?.outcome == outcome, "\(request)")
        #expect(OperatorCommandRequest(action: "restore", reference: "RTE-2026-0042 (appel 14:02)", reason: "fin d'alerte").problem == nil)
    }

    @Test func loggedTextCannotForgeALine() {
        #expect(EscapingLogHandler<StreamLogHandler>.escape("ok") == "ok")
        #expect(EscapingLogHandler<StreamLogHandler>.escape("a\nb\r\u{0}c\u{1B}[31m") == #"a\nb\r\u{0}c\u{1b}[31m"#)
    }
}

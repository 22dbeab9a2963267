import AdapterKit
import Foundation
import Testing

/// Two C adapters flood the demo's interruptibility command stream, through the real
/// `energy-host`: the one its `accept_commands_from` does not name is refused and counted; the
/// named one fills only its own lane of the queue, so the frequency samples still flow, the dip
/// trips on time and an operator's restore is answered.
@Suite(.serialized) struct CommandFloodTests {
    @Test(.timeLimit(.minutes(2))) func aCommandFloodStarvesNothingAndUnnamedSendersAreRefused() async throws {
        let libraries = try TestSupport.temporaryDirectory()
        _ = try await TestSupport.buildCAdapter(
            flags: [#"-DCECHO_FLOOD_TOPIC="sites/demo/interruptibility/commands""#, #"-DCECHO_TYPE_NAME="CFlood""#],
            name: "CFlood",
            in: libraries
        )
        let site = try DemoSite(
            extraAdapters: [
                ["id": "flood-permitted", "plugin": "CFlood"],
                ["id": "flood-refused", "plugin": "CFlood"],
            ],
            editing: { adapter in
                if adapter["id"] as? String == "interruptibility" { adapter["accept_commands_from"] = ["flood-permitted"] }
                // The flood would rotate the shed command out of the recording.
                if adapter["id"] as? String == "recorder" { adapter["subscribe"] = ["sites/demo/load-controller/#"] }
            }
        )
        let launched = EventTime.now()
        let host = try site.start(pluginsDirectories: [libraries.path])
        defer { if host.isRunning { kill(host.processIdentifier, SIGKILL) } }

        try await DemoSite.waitFor(40, "the shed command") {
            try site.recordedEvents().contains { $0.kind == .command && $0.topic == "sites/demo/load-controller/commands" }
        }
        let shed = try #require(try site.recordedEvents().first { $0.kind == .command && $0.topic == "sites/demo/load-controller/commands" })
        let tripAfter = Duration.nanoseconds(shed.time.nanosecondsSinceEpoch - launched.nanosecondsSinceEpoch)
        #expect(tripAfter < BlockedAdapterTests.expectedTrip + .seconds(2), "shed \(tripAfter) after the launch")

        let metrics = try await HTTP.get(site.admin("/metrics")).body
        let refused = metrics.split(separator: "\n").first { $0.hasPrefix(#"energy_commands_refused_total{site="demo",adapter="flood-refused"}"#) }
        #expect((refused?.split(separator: " ").last.flatMap { Int($0) } ?? 0) > 1000, "\(refused ?? "no series")")
        #expect(metrics.contains(#"energy_commands_refused_total{site="demo",adapter="flood-permitted"} 0"#))
        let log = try String(contentsOfFile: site.logPath, encoding: .utf8)
        #expect(log.contains("command refused"))

        // The operator's restore is answered despite the flood.
        let restore = try await TestSupport.run(TestSupport.hostExecutable, [
            "ctl", "restore", "demo/interruptibility", "--reference", "RTE-FLOOD-1",
            "--admin", "127.0.0.1:\(site.adminPort)", "--token-file", "demo/operator.token",
        ], in: site.directory)
        #expect(restore.status == 0, "\(restore.output)")
        #expect(restore.output.contains(#""outcome":"executed""#), "\(restore.output)")
        host.terminate()
        host.waitUntilExit()
    }
}

import AdapterKit
import AdapterKitTesting
import Foundation
import Testing

/// Live changes through the real `energy-host`: `ctl reload` and SIGHUP apply only the difference
/// (added, removed, changed, kept instances in one reload), an invalid file changes nothing, the
/// kept instances lose no event and keep their sequence numbers, and `ctl restart` restarts one
/// isolated instance.
@Suite(.serialized) struct ReloadTests {
    static let token = "reload-operator-0123456789"

    /// A configuration of the site `s` with `adapters` (JSON objects).
    static func configuration(port: Int, adapters: [String]) -> String {
        #"""
        {"host": {"id": "gw", "data_dir": "data", "shutdown_timeout_s": 5,
                  "admin": {"listen": "127.0.0.1:\#(port)", "operators": [{"name": "ops", "token": "file:ops.token"}]}},
         "sites": [{"id": "s", "adapters": [\#(adapters.joined(separator: ",\n"))]}]}
        """#
    }

    static let emitter = #"{"id": "emitter", "plugin": "Probe", "config": {"mode": "emit", "rate": 200}}"#
    static let recorder = #"{"id": "recorder", "plugin": "Recorder", "config": {"path": "events.jsonl"}, "subscribe": ["sites/s/emitter/#"]}"#

    @Test(.timeLimit(.minutes(2))) func reloadAppliesOnlyTheDifferenceAndAnInvalidFileChangesNothing() async throws {
        let directory = try TestSupport.temporaryDirectory()
        try TestSupport.write(Self.token, to: "ops.token", in: directory)
        // CSwap, first built quiet; a second build, renamed over it later, floods publishes.
        let libraries = try TestSupport.temporaryDirectory()
        _ = try await TestSupport.buildCAdapter(flags: [#"-DCECHO_TYPE_NAME="CSwap""#], name: "CSwap", in: libraries)
        let port = LoopbackPort.free()
        let admin = "127.0.0.1:\(port)"
        let file = directory.appendingPathComponent("adapters.json")
        func write(_ adapters: [String]) throws {
            try Data(Self.configuration(port: port, adapters: adapters).utf8).write(to: file)
        }
        func ctl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
            try await TestSupport.run(TestSupport.hostExecutable, ["ctl"] + arguments + ["--admin", admin], environment: ["ENERGY_HOST_TOKEN": Self.token])
        }
        func adapters() async throws -> [String: [String: Any]] {
            let body = try await HTTP.get("http://\(admin)/adapters").body
            let list = (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["adapters"] as? [[String: Any]] ?? []
            return Dictionary(list.map { ($0["id"] as? String ?? "", $0) }) { $1 }
        }
        try write([
            Self.emitter, Self.recorder,
            #"{"id": "changing", "plugin": "Probe", "config": {"mode": "emit", "rate": 1}}"#,
            #"{"id": "gone", "plugin": "CEcho"}"#,
        ])
        let host = Process()
        host.executableURL = URL(fileURLWithPath: TestSupport.hostExecutable)
        host.arguments = ["run", "--config", file.path, "--plugins-dir", libraries.path]
        host.currentDirectoryURL = directory
        let log = directory.appendingPathComponent("host.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        host.standardOutput = try FileHandle(forWritingTo: log)
        host.standardError = host.standardOutput
        try host.run()
        defer { if host.isRunning { kill(host.processIdentifier, SIGKILL) } }
        try await DemoSite.waitFor(20, "the host's adapters") { (try? await adapters())?.count == 4 }
        try await Task.sleep(for: .milliseconds(500))

        // One reload: one added (isolated), one removed, one changed, two kept.
        try write([
            Self.emitter, Self.recorder,
            #"{"id": "changing", "plugin": "Probe", "config": {"mode": "emit", "rate": 2}}"#,
            #"{"id": "fresh", "plugin": "CSwap", "isolation": "process"}"#,
        ])
        let reload = try await ctl(["reload"])
        #expect(reload.status == 0, "\(reload.output)")
        #expect(reload.output.contains("added: s/fresh"), "\(reload.output)")
        #expect(reload.output.contains("removed: s/gone"), "\(reload.output)")
        #expect(reload.output.contains("restarted: s/changing"), "\(reload.output)")
        #expect(reload.output.contains("kept running: 2"), "\(reload.output)")
        try await DemoSite.waitFor(10, "the new instance running") { (try? await adapters())?["fresh"]?["state"] as? String == "running" }
        var now = try await adapters()
        #expect(now["gone"] == nil)
        #expect(Set(now.keys) == ["emitter", "recorder", "changing", "fresh"])

        // An invalid file: nothing changes, the errors come back.
        try Data(#"{"host": {"id": "gw"}, "sites": [{"id": "s", "adapters": [{"id": "x", "plugin": "Ghost"}]}]}"#.utf8).write(to: file)
        let refused = try await ctl(["reload"])
        #expect(refused.status != 0)
        #expect(refused.output.contains("reload refused, nothing changed") && refused.output.contains("sites[0].adapters[0].plugin: not found"), "\(refused.output)")
        now = try await adapters()
        #expect(Set(now.keys) == ["emitter", "recorder", "changing", "fresh"])

        // SIGHUP does the same as ctl reload.
        try write([Self.emitter, Self.recorder, #"{"id": "fresh", "plugin": "CSwap", "isolation": "process"}"#])
        kill(host.processIdentifier, SIGHUP)
        try await DemoSite.waitFor(10, "SIGHUP's reload") { (try? await adapters())?["changing"] == nil }

        // ctl restart: the isolated instance runs again in a new runner, on the new build of its
        // library (installed by renaming over the old file, as a package manager does).
        #expect((try await adapters())["fresh"]?["published"] as? Int == 0)
        let build = try TestSupport.temporaryDirectory()
        let flooding = try await TestSupport.buildCAdapter(
            flags: [#"-DCECHO_TYPE_NAME="CSwap""#, #"-DCECHO_FLOOD_TOPIC="sites/s/fresh/flood""#], name: "CSwap", in: build
        )
        #expect(rename(flooding, libraries.appendingPathComponent("libCSwap.so").path) == 0)
        let restart = try await ctl(["restart", "s/fresh"])
        #expect(restart.status == 0, "\(restart.output)")
        try await DemoSite.waitFor(10, "the restart on the new build") {
            let fresh = (try? await adapters())?["fresh"]
            return fresh?["restarts"] as? Int == 1 && fresh?["state"] as? String == "running" && (fresh?["published"] as? Int ?? 0) > 100
        }
        let unknown = try await ctl(["restart", "s/nobody"])
        #expect(unknown.status != 0 && unknown.output.contains("unknown_adapter"), "\(unknown.output)")

        // The kept instances never stopped: the recording holds every emitted event, in sequence.
        try await Task.sleep(for: .milliseconds(300))
        host.terminate()
        await TestSupport.waitForExit(host)
        #expect(host.terminationStatus == 0)
        let recording = try String(contentsOf: directory.appendingPathComponent("data/s/recorder/events.jsonl"), encoding: .utf8)
        let sequences = try recording.split(separator: "\n").map { try Event(jsonLine: String($0)) }.filter { $0.source == "emitter" }.map(\.sequence)
        #expect(sequences.count > 100)
        #expect(sequences == Array(1...UInt64(sequences.count)), "a gap or a restart in the kept emitter's sequence")
        let audit = try String(contentsOf: log, encoding: .utf8)
        #expect(audit.contains("configuration reloaded"))
    }
}

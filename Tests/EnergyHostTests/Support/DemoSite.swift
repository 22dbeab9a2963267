import AdapterKit
import AdapterKitTesting
import Foundation

/// A copy of the repository's demo site in a temporary directory, run by the real `energy-host`:
/// the admin API on a free port, RTE's simulator absent (an unreachable RTE), a broker of its own
/// for the demo's MQTT bridge (as `scripts/demo.sh` starts one), and extra adapters appended to
/// the demo site for the test at hand.
struct DemoSite {
    let directory: URL
    let adminPort: Int
    /// The broker the demo's MQTTBridge connects to; it runs as long as this value lives.
    let broker: MosquittoBroker

    /// Copies `demo/` and `adapters.json`, with `extraAdapters` (adapters.json objects) appended
    /// and each of the demo's adapters passed through `editing`.
    init(
        extraAdapters: [[String: Any]] = [],
        admin adminSettings: [String: Any] = [:],
        editing: (inout [String: Any]) -> Void = { _ in }
    ) throws {
        directory = try TestSupport.temporaryDirectory()
        adminPort = LoopbackPort.free()
        let root = TestSupport.repositoryRoot
        try FileManager.default.copyItem(at: root.appendingPathComponent("demo"), to: directory.appendingPathComponent("demo"))
        let data = try Data(contentsOf: root.appendingPathComponent("adapters.json"))
        var document = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var host = document["host"] as! [String: Any]
        var admin = host["admin"] as! [String: Any]
        admin["listen"] = "127.0.0.1:\(adminPort)"
        admin.merge(adminSettings) { $1 }
        host["admin"] = admin
        document["host"] = host
        var sites = document["sites"] as! [[String: Any]]
        var adapters = sites[0]["adapters"] as! [[String: Any]]
        broker = try MosquittoBroker()
        for index in adapters.indices where adapters[index]["plugin"] as? String == "MQTTBridge" {
            var config = adapters[index]["config"] as! [String: Any]
            config["broker"] = broker.url
            adapters[index]["config"] = config
        }
        // The demo's FlexReady server on a free port (several copies of the demo run at once), and
        // its operator calling it there.
        let flexPort = LoopbackPort.free()
        for index in adapters.indices where adapters[index]["plugin"] as? String == "FlexReady" {
            var config = adapters[index]["config"] as! [String: Any]
            if config["port"] != nil { config["port"] = flexPort }
            if var role = config["operator"] as? [String: Any] {
                role["bacs_url"] = "http://127.0.0.1:\(flexPort)"
                config["operator"] = role
            }
            adapters[index]["config"] = config
        }
        for index in adapters.indices { editing(&adapters[index]) }
        sites[0]["adapters"] = adapters + extraAdapters
        document["sites"] = sites
        let text = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        try text.write(to: directory.appendingPathComponent("adapters.json"))
    }

    /// The demo's shutdown timeout.
    static let shutdownTimeout = Duration.seconds(5)

    /// Starts `energy-host run` on the copy; its output goes to `host.log` in the directory. With
    /// `fileLimit`, the host may open at most that many file descriptors (`ulimit -n`).
    func start(pluginsDirectories: [String] = [], fileLimit: Int? = nil) throws -> Process {
        let process = Process()
        let arguments = ["run", "--config", "adapters.json"] + pluginsDirectories.flatMap { ["--plugins-dir", $0] }
        if let fileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(fileLimit) && exec \"$0\" \"$@\"", TestSupport.hostExecutable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: TestSupport.hostExecutable)
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return process
    }

    var logPath: String { directory.appendingPathComponent("host.log").path }

    /// The events the demo's recorder wrote so far.
    func recordedEvents() throws -> [Event] {
        let file = directory.appendingPathComponent("data/demo/recorder/events.jsonl")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try Event(jsonLine: String($0)) }
    }

    /// The admin API's URL for `path`.
    func admin(_ path: String) -> String { "http://127.0.0.1:\(adminPort)\(path)" }

    /// Waits up to `seconds` for `condition`.
    static func waitFor(_ seconds: Int, _ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw WaitError(what: what) }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    struct WaitError: Error, CustomStringConvertible {
        var what: String
        var description: String { "timed out waiting for \(what)" }
    }
}

import AdapterKitTesting
import EnergyHost
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The simulators that `scripts/demo.sh` starts beside the host, so that the demo's adapters work
/// as they do in the demo: RTE's reporting API (`energy-sim rte-poc serve` on 127.0.0.1:8443, for
/// the Interruptibility instance) and the Smart OA platform (`energy-sim smartoa serve` on
/// 127.0.0.1:8444, for the SmartOA instance), with the demo's certificates, and a Mosquitto broker
/// on 127.0.0.1:18830 for the MQTTBridge instance (without it the bridge reports itself degraded
/// and `/health` answers 503). Their files are temporary.
final class DemoSimulator {
    private let processes: [Process]
    private let broker: Process
    private let directory: URL

    /// Starts the simulators from the release build, next to this executable.
    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificates = ["--certificate", "demo/certs/server.pem", "--key", "demo/certs/server.key"]
        processes = try [
            ["rte-poc", "serve", "--listen", "127.0.0.1:8443"] + certificates
                + ["--client-ca", "demo/certs/ca.pem", "--database", directory.appendingPathComponent("rte-poc.sqlite").path],
            ["smartoa", "serve", "--listen", "127.0.0.1:8444"] + certificates
                + ["--scenario", "demo/smartoa-scenario.json", "--record", directory.appendingPathComponent("smartoa.jsonl").path],
        ].map { arguments in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: PluginLoader.executableDirectory + "/energy-sim")
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        let configuration = directory.appendingPathComponent("mosquitto.conf")
        try Data("user \(String(cString: getpwuid(getuid()).pointee.pw_name))\nlistener 18830 127.0.0.1\nallow_anonymous true\n".utf8).write(to: configuration)
        broker = Process()
        broker.executableURL = URL(fileURLWithPath: MosquittoBroker.executable)
        broker.arguments = ["-c", configuration.path]
        broker.standardOutput = FileHandle.nullDevice
        broker.standardError = FileHandle.nullDevice
        try broker.run()
    }

    /// Stops the simulators and the broker, and removes their files.
    func stop() {
        for process in processes {
            process.terminate()
            process.waitUntilExit()
        }
        // SIGKILL: the broker inherits this process's blocked signals, SIGTERM among them.
        kill(broker.processIdentifier, SIGKILL)
        broker.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

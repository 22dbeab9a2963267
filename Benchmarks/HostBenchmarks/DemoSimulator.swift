import EnergyHost
import Foundation

/// The simulator of RTE's reporting API that `scripts/demo.sh` starts beside the host
/// (`energy-sim rte-poc serve` on 127.0.0.1:8443 with the demo's certificates), so that the
/// demo's Interruptibility instance reports as it does in the demo. Its database is temporary.
final class DemoSimulator {
    private let process = Process()
    private let directory: URL

    /// Starts the simulator from the release build, next to this executable.
    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: PluginLoader.executableDirectory + "/energy-sim")
        process.arguments = [
            "rte-poc", "serve", "--listen", "127.0.0.1:8443",
            "--certificate", "demo/certs/server.pem", "--key", "demo/certs/server.key",
            "--client-ca", "demo/certs/ca.pem", "--database", directory.appendingPathComponent("rte-poc.sqlite").path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Stops the simulator and removes its database.
    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

import EnergyHost
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `energy-host` process on the repository's demo configuration, beside the simulator
/// the demo reports to (as `scripts/demo.sh` runs them): time until the admin API answers, and
/// memory once events flow.
enum StartupBenchmark {
    /// One run's figures.
    struct Run {
        /// From launching the process until `/health` answered 200.
        var startup: Duration
        /// The whole process, 3 s after `/health` answered.
        var memory: ProcessMemory
        /// The same moment, by mapping.
        var map: MemoryMap?
        /// Threads of the process at that moment.
        var threads: Int
    }

    static func run(configuration: String, runs: Int) async throws -> [Run] {
        let simulator = try DemoSimulator()
        defer { simulator.stop() }
        var results: [Run] = []
        for _ in 0..<runs {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: PluginLoader.executableDirectory + "/energy-host")
            process.arguments = ["run", "--config", configuration, "--log-level", "warning"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let clock = ContinuousClock()
            let start = clock.now
            try process.run()
            while clock.now - start < .seconds(10) {
                if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:9480/health")!),
                    (response as? HTTPURLResponse)?.statusCode == 200
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            let startup = clock.now - start
            try await Task.sleep(for: .seconds(3))
            let pid = process.processIdentifier
            results.append(Run(
                startup: startup,
                memory: ProcessMemory.rollup(pid: pid) ?? ProcessMemory(),
                map: MemoryMap(pid: pid, executable: "energy-host"),
                threads: (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task").count) ?? 0
            ))
            process.terminate()
            process.waitUntilExit()
        }
        return results
    }
}

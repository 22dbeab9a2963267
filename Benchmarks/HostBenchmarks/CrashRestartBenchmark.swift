import EnergyHost
import Foundation
import Logging
import ServiceLifecycle

/// How long an isolated instance takes to run again after its runner dies: the runner of a Probe
/// instance is killed with SIGKILL, and the time until its supervisor reports it running again
/// (a new runner started, the library loaded, the instance created) is measured. The restart
/// backoff is 1 ms, so the figure is the mechanism's own cost; add the configured backoff
/// (`initial_backoff_ms`, 500 ms by default) for a site's.
enum CrashRestartBenchmark {
    static func run(crashes: Int) async throws -> [Duration] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = """
            {"host": {"id": "bench", "data_dir": "data", "admin": {"enabled": false}, "log_level": "critical"},
             "sites": [{"id": "b", "adapters": [
               {"id": "echo", "plugin": "Probe", "config": {"mode": "echo"}, "isolation": "process",
                "restart": {"policy": "always", "max_restarts": 1000, "initial_backoff_ms": 1, "max_backoff_ms": 1}}
             ]}]}
            """
        let path = directory.appendingPathComponent("adapters.json").path
        try Data(config.utf8).write(to: URL(fileURLWithPath: path))
        let loaded = try ConfigurationLoader(pluginDirectory: PluginLoader.executableDirectory, runnerExecutable: AcrossABIBenchmark.runnerExecutable).load(file: path)
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let runtime = try HostRuntime(loaded: loaded, logger: logger, runnerExecutable: AcrossABIBenchmark.runnerExecutable)
        let group = runtime.makeServiceGroup(signals: [])
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var durations: [Duration] = []
            for crash in 0..<crashes {
                try await waitUntilRunning(runtime, restarts: crash)
                guard let runner = AcrossABIBenchmark.runnerPIDs().first else { break }
                let killed = ContinuousClock.now
                kill(runner, SIGKILL)
                try await waitUntilRunning(runtime, restarts: crash + 1)
                durations.append(ContinuousClock.now - killed)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return durations.sorted()
        }
    }

    private static func waitUntilRunning(_ runtime: HostRuntime, restarts: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let status = runtime.statuses.first, status.state == .running, status.restarts == restarts,
                AcrossABIBenchmark.runnerPIDs().count == 1
            {
                return
            }
            try await Task.sleep(for: .microseconds(200))
        }
        throw CancellationError()
    }
}

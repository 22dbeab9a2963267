import AdapterKit
import EnergyHost
import Foundation
import Logging

/// Adapter → host → adapter through the C ABI, with the real runtime: a Probe adapter emits, the
/// bus routes, a second Probe adapter receives (and echoes back, so latency is seen in the host).
enum AcrossABIBenchmark {
    struct Figures {
        /// Events delivered to the receiving adapter, per second from starting the runtime until
        /// the host saw every event both directly and echoed.
        var deliveredPerSecond: Double
        var oneHop: LatencyHistogram
        var roundTrip: LatencyHistogram
        /// Events the host's two `drop_oldest` observers dropped.
        var dropped: Int
        /// The memory of each runner process, read halfway through (isolated instances only).
        var runners: [ProcessMemory]
    }

    /// `rate` 0 means as fast as possible. The instances named in `isolated` (`emitter`,
    /// `receiver`) run in runner processes started from the built `energy-host`.
    static func run(events: Int, rate: Int, queueCapacity: Int, isolated: Set<String> = []) async throws -> Figures {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func isolation(_ id: String) -> String { isolated.contains(id) ? #", "isolation": "process""# : "" }
        let config = """
            {"host": {"id": "bench", "data_dir": "data", "admin": {"enabled": false}, "log_level": "warning"},
             "sites": [{"id": "b", "adapters": [
               {"id": "emitter", "plugin": "Probe", "config": {"mode": "emit", "rate": \(rate), "count": \(events)}\(isolation("emitter"))},
               {"id": "receiver", "plugin": "Probe", "config": {"mode": "echo", "stream": "echo"}\(isolation("receiver")),
                "queue_capacity": \(queueCapacity), "subscribe": [{"topic": "sites/b/emitter/probe", "policy": "lossless"}]}
             ]}]}
            """
        let path = directory.appendingPathComponent("adapters.json").path
        try Data(config.utf8).write(to: URL(fileURLWithPath: path))
        let loaded = try ConfigurationLoader(pluginDirectory: PluginLoader.executableDirectory, runnerExecutable: AcrossABIBenchmark.runnerExecutable).load(file: path)
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let runtime = try HostRuntime(loaded: loaded, logger: logger, runnerExecutable: runnerExecutable)
        let direct = SubscriberQueue(name: "direct", capacity: 1 << 20)
        let echoed = SubscriberQueue(name: "echoed", capacity: 1 << 20)
        runtime.bus.subscribe(direct, filter: "sites/b/emitter/probe", policy: .dropOldest)
        runtime.bus.subscribe(echoed, filter: "sites/b/receiver/echo", policy: .dropOldest)
        let group = runtime.makeServiceGroup(signals: [])
        let clock = ContinuousClock()
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let start = clock.now
            async let oneHop = observe(direct, count: events)
            async let roundTrip = observe(echoed, count: events)
            async let runners = runnerMemory(expected: isolated.count, after: .seconds(1))
            let (first, second, memory) = await (oneHop, roundTrip, runners)
            let seconds = (clock.now - start) / .seconds(1)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            let delivered = runtime.statuses.first { $0.id == "receiver" }?.delivered ?? 0
            return Figures(
                deliveredPerSecond: Double(delivered) / seconds,
                oneHop: first,
                roundTrip: second,
                dropped: direct.statistics.dropped + echoed.statistics.dropped,
                runners: memory
            )
        }
    }

    /// The built `energy-host`, beside this benchmark.
    static var runnerExecutable: String { PluginLoader.executableDirectory + "/energy-host" }

    /// The memory of this process's runner children, once `after` has passed.
    static func runnerMemory(expected: Int, after delay: Duration) async -> [ProcessMemory] {
        guard expected > 0 else { return [] }
        try? await Task.sleep(for: delay)
        return runnerPIDs().compactMap { ProcessMemory.rollup(pid: $0) }
    }

    /// The runner processes this process started.
    static func runnerPIDs() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = Int32(entry), let text = ProcessMemory.procFile("/proc/\(entry)/cmdline") else { return nil }
            let arguments = text.split(separator: "\0").map(String.init)
            guard arguments.contains("adapter-runner"), let index = arguments.firstIndex(of: "--parent-pid"),
                index + 1 < arguments.count, arguments[index + 1] == "\(getpid())"
            else { return nil }
            return pid
        }
    }

    /// Latency from each event's publish stamp to now, for `count` events (or until 60 s pass).
    private static func observe(_ queue: SubscriberQueue, count: Int) async -> LatencyHistogram {
        var histogram = LatencyHistogram()
        let deadline = ContinuousClock.now + .seconds(60)
        while histogram.count < count, ContinuousClock.now < deadline {
            guard let batch = await queue.next(maxCount: 4096) else { break }
            let now = EventTime.now().nanosecondsSinceEpoch
            for event in batch { histogram.record(nanoseconds: now - event.time.nanosecondsSinceEpoch) }
        }
        return histogram
    }
}

/// Latency samples, for percentiles.
struct LatencyHistogram {
    private var samples: [Int64] = []
    var count: Int { samples.count }

    mutating func record(nanoseconds: Int64) {
        samples.append(nanoseconds)
    }

    func percentile(_ fraction: Double) -> Duration {
        guard !samples.isEmpty else { return .zero }
        let sorted = samples.sorted()
        return .nanoseconds(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))])
    }
}

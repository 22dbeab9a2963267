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
    }

    /// `rate` 0 means as fast as possible.
    static func run(events: Int, rate: Int, queueCapacity: Int) async throws -> Figures {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = """
            {"host": {"id": "bench", "data_dir": "data", "admin": {"enabled": false}, "log_level": "warning"},
             "sites": [{"id": "b", "adapters": [
               {"id": "emitter", "plugin": "Probe", "config": {"mode": "emit", "rate": \(rate), "count": \(events)}},
               {"id": "receiver", "plugin": "Probe", "config": {"mode": "echo", "stream": "echo"},
                "queue_capacity": \(queueCapacity), "subscribe": [{"topic": "sites/b/emitter/probe", "policy": "lossless"}]}
             ]}]}
            """
        let path = directory.appendingPathComponent("adapters.json").path
        try Data(config.utf8).write(to: URL(fileURLWithPath: path))
        let loaded = try ConfigurationLoader(pluginDirectory: PluginLoader.executableDirectory).load(file: path)
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let runtime = try HostRuntime(loaded: loaded, logger: logger)
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
            let (first, second) = await (oneHop, roundTrip)
            let seconds = (clock.now - start) / .seconds(1)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            let delivered = runtime.statuses.first { $0.id == "receiver" }?.delivered ?? 0
            return Figures(
                deliveredPerSecond: Double(delivered) / seconds,
                oneHop: first,
                roundTrip: second,
                dropped: direct.statistics.dropped + echoed.statistics.dropped
            )
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

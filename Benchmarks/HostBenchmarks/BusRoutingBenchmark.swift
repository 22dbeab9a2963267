import AdapterKit
import EnergyHost
import Logging

/// In-host routing: one publisher, four wildcard subscribers draining concurrently.
///
/// The publisher goes through the host's own publishing path (``InstanceSource``) and an
/// ``AdapterContext``, so that on lossless subscriptions it waits on backpressure as an adapter
/// does; the subscribers take batches from their queues as the host's deliveries do.
enum BusRoutingBenchmark {
    /// The figures of one run.
    struct Figures {
        /// Events accepted by the bus, per second of publishing.
        var publishedPerSecond: Double
        /// Per subscriber, the events it took from its queue per second (from the first publish
        /// to the last event it took), slowest first.
        var deliveredPerSecond: [Double]
        /// Events dropped by the four queues (only `drop_oldest` queues drop).
        var dropped: Int
    }

    private enum Outcome {
        case publisher(Duration)
        case subscriber(events: Int, Duration)
    }

    /// The subscribers' filters: all match the published topic.
    static let filters = ["sites/+/meter/measurements", "sites/bench/#", "#", "sites/+/+/measurements"]

    /// Publishes `events` copies of one measurement to four subscribers under `policy`, each with
    /// a queue of 8192 events drained 4096 at a time.
    static func run(events: Int, policy: DeliveryPolicy) async throws -> Figures {
        let bus = EventBus()
        let queues = filters.map { SubscriberQueue(name: $0, capacity: 8192) }
        for (queue, filter) in zip(queues, filters) { bus.subscribe(queue, filter: filter, policy: policy) }
        let context = publisherContext(bus: bus)
        var measurement = EnergyMeasurement()
        measurement.deviceID = "meter"
        measurement.values = [EnergyValue(.activePowerImport, 42_000), EnergyValue(.frequency, 50)]
        let event = try Event(topic: context.topic("measurements"), payload: measurement, time: .now())
        let clock = ContinuousClock()
        let start = clock.now
        let outcomes = try await withThrowingTaskGroup(of: Outcome.self, returning: [Outcome].self) { group in
            for queue in queues {
                group.addTask {
                    var count = 0
                    while let batch = await queue.next(maxCount: 4096) { count += batch.count }
                    return .subscriber(events: count, clock.now - start)
                }
            }
            group.addTask {
                for _ in 0..<events { try await context.publish(event) }
                let elapsed = clock.now - start
                queues.forEach { $0.close() }
                return .publisher(elapsed)
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        var figures = Figures(publishedPerSecond: 0, deliveredPerSecond: [], dropped: 0)
        for outcome in outcomes {
            switch outcome {
            case .publisher(let elapsed): figures.publishedPerSecond = Double(events) / (elapsed / .seconds(1))
            case .subscriber(let count, let elapsed): figures.deliveredPerSecond.append(Double(count) / (elapsed / .seconds(1)))
            }
        }
        figures.deliveredPerSecond.sort()
        figures.dropped = queues.reduce(0) { $0 + $1.statistics.dropped }
        return figures
    }

    /// A running instance `bench/meter` publishing on `bus`.
    private static func publisherContext(bus: EventBus) -> AdapterContext {
        let logger = Logger(label: "bench")
        let source = InstanceSource(
            instanceID: "meter",
            siteID: "bench",
            bus: bus,
            logger: logger,
            metrics: HostMetrics().adapter(site: "bench", id: "meter", plugin: "Bench")
        )
        source.isRunning = true
        return AdapterContext(
            siteID: "bench",
            instanceID: "meter",
            dataDirectory: "",
            configurationDirectory: "",
            logger: logger,
            link: BusLink(source: source)
        )
    }
}

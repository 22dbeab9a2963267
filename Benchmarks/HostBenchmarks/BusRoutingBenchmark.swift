import AdapterKit
import EnergyHost

/// In-host routing: one publisher, four wildcard subscribers draining concurrently.
enum BusRoutingBenchmark {
    static func run(events: Int) async -> (publishesPerSecond: Double, deliveriesPerSecond: Double, dropped: Int) {
        let bus = EventBus()
        let filters = ["sites/+/meter/measurements", "sites/bench/#", "#", "sites/+/+/measurements"]
        let queues = filters.map { SubscriberQueue(name: $0, capacity: 8192) }
        for (queue, filter) in zip(queues, filters) { bus.subscribe(queue, filter: filter, policy: .dropOldest) }
        var measurement = EnergyMeasurement()
        measurement.deviceID = "meter"
        measurement.values = [EnergyValue(.activePowerImport, 42_000), EnergyValue(.frequency, 50)]
        let template = try! Event(topic: "sites/bench/meter/measurements", payload: measurement, time: .now())
        let clock = ContinuousClock()
        let start = clock.now
        let received = await withTaskGroup(of: Int.self, returning: Int.self) { group in
            for queue in queues {
                group.addTask {
                    var count = 0
                    while let batch = await queue.next(maxCount: 4096) { count += batch.count }
                    return count
                }
            }
            group.addTask {
                var event = template
                for index in 0..<events {
                    event.sequence = UInt64(index)
                    _ = bus.publish(event)
                }
                queues.forEach { $0.close() }
                return 0
            }
            return await group.reduce(0, +)
        }
        let seconds = (clock.now - start) / .seconds(1)
        let dropped = queues.reduce(0) { $0 + $1.statistics.dropped }
        return (Double(events) / seconds, Double(received) / seconds, dropped)
    }
}

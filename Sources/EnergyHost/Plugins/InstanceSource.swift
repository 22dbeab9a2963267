package import AdapterKit
package import Logging
import Prometheus
import Synchronization

/// The publishing side of one configured instance, shared by its successive generations
/// (restarts): identity, per-source sequence numbers, pressure, and its logger.
package final class InstanceSource: InstanceServices {
    package let instanceID: String
    package let siteID: String
    let bus: EventBus
    package let logger: Logger
    private let published: Counter
    private let custom: AdapterMetricRecorder
    /// The last sequence number given; held while routing so numbers follow the order events
    /// enter the queues, and a refused event does not use one up.
    private let sequence = Mutex<UInt64>(0)
    private let publishedTotal = Atomic<Int>(0)
    private let running = Atomic<Bool>(false)
    private let degraded = Atomic<Bool>(false)
    private let pressured = Mutex<[EventBus.Route]>([])
    private let refusedCommands: Counter
    /// The command topics a refusal was already logged for.
    private let refusalsLogged = Mutex<Set<String>>([])

    package init(instanceID: String, siteID: String, bus: EventBus, logger: Logger, metrics: AdapterMetrics) {
        self.instanceID = instanceID
        self.siteID = siteID
        self.bus = bus
        self.logger = logger
        self.published = metrics.published
        self.refusedCommands = metrics.refusedCommands
        self.custom = metrics.custom
    }

    /// Records a metric sample of the instance; the degraded gauge also sets ``isDegraded``.
    package func record(_ sample: MetricSample) {
        guard custom.record(sample, logger: logger) == nil, sample.name == MetricSample.degradedGauge else { return }
        degraded.store(sample.value != 0, ordering: .relaxed)
    }

    /// Whether the instance reported itself degraded (``AdapterContext/report(degraded:)``).
    package var isDegraded: Bool { degraded.load(ordering: .relaxed) }

    /// Whether publishes are accepted: between start and run-done.
    package var isRunning: Bool {
        get { running.load(ordering: .acquiring) }
        set { running.store(newValue, ordering: .releasing) }
    }

    /// Events accepted from this instance since the host started.
    package var publishedCount: Int { publishedTotal.load(ordering: .relaxed) }

    /// Stamps and routes an event from the instance.
    package func publish(_ event: Event) -> PublishOutcome {
        guard isRunning else { return .stopped }
        guard !event.topic.isEmpty, !event.kind.rawValue.isEmpty,
            !event.topic.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") })
        else { return .invalid }
        var event = event
        if event.isBridged {
            // A bridge keeps the original publisher; the host names the bridge, and no bridge may
            // speak as an operator or as the host.
            guard !event.source.isEmpty, event.source != Event.operatorSource, event.source != Event.hostSource else { return .invalid }
            event.via = instanceID
        } else {
            event.source = instanceID
        }
        let result = sequence.withLock { last in
            event.sequence = last &+ 1
            let result = bus.publish(event)
            if result.outcome != .overloaded && !result.forbiddenCommand { last = event.sequence }
            return result
        }
        if result.forbiddenCommand {
            refuseCommand(on: event.topic)
            return result.outcome
        }
        if result.outcome != .overloaded {
            published.increment()
            publishedTotal.add(1, ordering: .relaxed)
        }
        if !result.pressured.isEmpty {
            pressured.withLock { $0.append(contentsOf: result.pressured) }
        }
        return result.outcome
    }

    /// True when every lane that pressed back is under its low watermark again.
    package func isPublishReady() -> Bool {
        pressured.withLock { lanes in
            lanes.removeAll { $0.isBelowLowWatermark }
            return lanes.isEmpty
        }
    }

    /// Counts a command the bus refused from this instance, and logs the first for each topic.
    private func refuseCommand(on topic: String) {
        refusedCommands.increment()
        guard refusalsLogged.withLock({ $0.insert(topic).inserted }) else { return }
        logger.warning(
            "command refused: this adapter may not publish on another adapter's command stream (its accept_commands_from does not name it)",
            metadata: ["topic": "\(topic)"]
        )
    }
}

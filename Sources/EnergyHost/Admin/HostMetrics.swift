public import Prometheus

/// The host's Prometheus metrics (names prefixed `energy_`), served by the admin API.
public struct HostMetrics: Sendable {
    /// The registry every host metric is created in.
    public let registry: PrometheusCollectorRegistry
    private let catalog = AdapterMetricCatalog()

    /// Creates the metrics in `registry` (default: a new one).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// The host process's resident memory in bytes.
    var residentMemory: Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "energy", subsystem: "process", metricName: "resident_memory", unitName: "bytes",
            helpText: "Resident memory of the host process."
        ))
    }

    /// The metrics of one adapter instance.
    package func adapter(site: String, id: String, plugin: String) -> AdapterMetrics {
        let labels = [("site", site), ("adapter", id)]
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: descriptor(name, unit: "total", help), labels: labels)
        }
        return AdapterMetrics(
            published: counter("events_published", "Events accepted from the adapter by the bus."),
            refusedCommands: counter("commands_refused", "Commands from the adapter refused: the target's accept_commands_from does not name it."),
            delivered: counter("events_delivered", "Events handed to the adapter and handled."),
            dropped: counter("events_dropped", "drop_oldest events dropped from the adapter's full queue."),
            restarts: counter("adapter_restarts", "Times the adapter was restarted after it stopped or failed."),
            watchdogTrips: counter("adapter_watchdog_trips", "Times a call into the adapter (start, delivery) outlasted its watchdog deadline."),
            runnerExits: { [registry] reason in
                registry.makeCounter(
                    descriptor: MetricNameDescriptor(
                        namespace: "energy", metricName: "adapter_runner_exits", unitName: "total",
                        helpText: "Times the adapter's runner process ended other than at its destroy, by how (SIGSEGV, exit_1, watchdog...)."
                    ),
                    labels: labels + [("reason", reason)]
                ).increment()
            },
            custom: AdapterMetricRecorder(registry: registry, catalog: catalog, site: site, adapter: id, plugin: plugin),
            queueDepth: registry.makeGauge(
                descriptor: descriptor("adapter_queue_depth", unit: "", "Events waiting in the adapter's delivery queue."),
                labels: labels
            ),
            states: Dictionary(uniqueKeysWithValues: AdapterState.allCases.map { state in
                let gauge = registry.makeGauge(
                    descriptor: descriptor("adapter_state", unit: "", "1 for the adapter's current state, 0 for the others."),
                    labels: labels + [("state", state.rawValue)]
                )
                return (state, gauge)
            })
        )
    }

    private func descriptor(_ name: String, unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "energy", metricName: name, unitName: unit, helpText: help)
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// The metrics of one adapter instance.
package struct AdapterMetrics: Sendable {
    package let published: Counter
    package let refusedCommands: Counter
    let delivered: Counter
    package let dropped: Counter
    let restarts: Counter
    let watchdogTrips: Counter
    /// Counts an unexpected end of the instance's runner process, by its label.
    let runnerExits: @Sendable (String) -> Void
    /// The metrics the adapter itself records (ABI 1.1 `metric`).
    package let custom: AdapterMetricRecorder
    let queueDepth: Gauge
    let states: [AdapterState: Gauge]

    func record(state: AdapterState) {
        for (candidate, gauge) in states { gauge.set(to: candidate == state ? 1.0 : 0.0) }
    }
}

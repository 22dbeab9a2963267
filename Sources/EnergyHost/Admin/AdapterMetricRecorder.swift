package import AdapterKit
package import Logging
package import Prometheus
import Synchronization

/// The kinds and label keys of the metrics adapters defined, shared by all instances so that a
/// name keeps one kind, one set of label keys and one adapter type (Prometheus would stop the
/// process otherwise, and one adapter could take over another's metric).
package final class AdapterMetricCatalog: Sendable {
    private struct Shape: Hashable {
        var kind: MetricSample.Kind
        var keys: [String]
        var plugin: String
    }

    private let shapes = Mutex<[String: Shape]>([:])

    package init() {}

    /// Whether a sample of `kind` named `name` with label `keys` (sorted) fits what was defined;
    /// the first sample of a name defines it.
    func admits(kind: MetricSample.Kind, name: String, keys: [String], plugin: String) -> Bool {
        shapes.withLock { shapes in
            let shape = Shape(kind: kind, keys: keys, plugin: plugin)
            guard let known = shapes[name] else {
                shapes[name] = shape
                return true
            }
            return known == shape
        }
    }
}

/// Records one instance's metric samples (ABI 1.1 `metric`) in the host's registry as
/// `energy_adapter_<name>{site, adapter, …}`; refuses malformed or inconsistent samples and logs
/// each refused name once.
///
/// Names are namespaced by adapter type: they must begin with the type's ``namespace(of:)`` and
/// `_` (`tic_frames_total` for TIC), so no adapter can record, or take over, another type's metric.
/// Label keys `site`, `adapter` and those beginning with `__` (Prometheus's own, such as
/// `__name__`) are refused.
package final class AdapterMetricRecorder: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let catalog: AdapterMetricCatalog
    private let site: String
    private let adapter: String
    private let plugin: String
    private let prefix: String
    private let refused = Mutex<Set<String>>([])

    package init(registry: PrometheusCollectorRegistry, catalog: AdapterMetricCatalog, site: String, adapter: String, plugin: String) {
        self.registry = registry
        self.catalog = catalog
        self.site = site
        self.adapter = adapter
        self.plugin = plugin
        self.prefix = Self.namespace(of: plugin) + "_"
    }

    /// The prefix of an adapter type's metric names (``MetricSample/namespace(of:)``).
    package static func namespace(of plugin: String) -> String {
        MetricSample.namespace(of: plugin)
    }

    /// Records `sample`; returns why it was refused, if it was (logged once per name by the caller's logger).
    @discardableResult
    package func record(_ sample: MetricSample, logger: Logger) -> String? {
        let keys = sample.labels.keys.sorted()
        let problem: String? =
            if !Self.isIdentifier(sample.name) { "metric name \"\(sample.name)\" does not match [a-z_][a-z0-9_]*" }
            else if sample.name == MetricSample.degradedGauge {
                sample.kind == .gauge && keys.isEmpty && sample.value.isFinite ? nil : "\(sample.name) is a gauge without labels"
            } else if !sample.name.hasPrefix(prefix) || sample.name.count == prefix.count {
                "metric name \"\(sample.name)\" does not begin with \"\(prefix)\" (the names of \(plugin) adapters do)"
            } else if Self.reserved.contains(sample.name) { "metric name \"\(sample.name)\" is the host's own (energy_adapter_\(sample.name))" }
            else if let key = keys.first(where: { !Self.isIdentifier($0) || $0 == "site" || $0 == "adapter" || $0.hasPrefix("__") }) {
                "label \"\(key)\" of \(sample.name) does not match [a-z_][a-z0-9_]* or is reserved (site, adapter, __*)"
            } else if !sample.value.isFinite || (sample.kind == .counter && sample.value < 0) {
                "\(sample.name): value \(sample.value) is not finite, or negative for a counter"
            } else if !catalog.admits(kind: sample.kind, name: sample.name, keys: keys, plugin: plugin) {
                "\(sample.name) was first recorded with another kind, other label keys or by another adapter type"
            } else { nil }
        if let problem {
            if refused.withLock({ $0.insert(sample.name).inserted }) {
                logger.warning("adapter metric refused", metadata: ["reason": "\(problem)"])
            }
            return problem
        }
        let labels = [("site", site), ("adapter", adapter)] + keys.map { ($0, sample.labels[$0]!) }
        let descriptor = MetricNameDescriptor(namespace: "energy", subsystem: "adapter", metricName: sample.name, unitName: "", helpText: "Recorded by the adapter.")
        switch sample.kind {
        case .counter: registry.makeCounter(descriptor: descriptor, labels: labels).increment(by: sample.value)
        case .gauge: registry.makeGauge(descriptor: descriptor, labels: labels).set(to: sample.value)
        }
        return nil
    }

    /// The host's own `energy_adapter_*` metrics (HostMetrics), which adapters may not redefine.
    private static let reserved: Set<String> = ["restarts_total", "queue_depth", "state", "watchdog_trips_total", "runner_exits_total"]

    private static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.utf8.first, first == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return false
        }
        return text.utf8.allSatisfy {
            $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
        }
    }
}

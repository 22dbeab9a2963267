/// A metric sample an adapter records; the host exposes it as `energy_adapter_<name>` with the
/// labels `site`, `adapter` and the sample's own (ABI 1.1 `metric` host service).
package struct MetricSample: Sendable, Hashable {
    /// Whether a sample adds to a counter or sets a gauge.
    package enum Kind: Int32, Sendable {
        case counter = 0  // AK_METRIC_COUNTER
        case gauge = 1  // AK_METRIC_GAUGE
    }

    package var kind: Kind
    package var name: String
    package var labels: [String: String]
    package var value: Double

    package init(kind: Kind, name: String, labels: [String: String], value: Double) {
        self.kind = kind
        self.name = name
        self.labels = labels
        self.value = value
    }
}

extension AdapterContext {
    /// Adds `amount` (finite, ≥ 0) to the counter `name`, e.g. `tic_frames_total` with
    /// `["result": "ok"]`. The host exposes it as `energy_adapter_tic_frames_total{site, adapter,
    /// result}`. Names and label keys match `[a-z_][a-z0-9_]*`; one name keeps one kind and one
    /// set of label keys. Under a host without the metric service (ABI 1.0) this does nothing.
    public func increment(counter name: String, by amount: Double = 1, labels: [String: String] = [:]) {
        link.record(MetricSample(kind: .counter, name: name, labels: labels, value: amount))
    }

    /// Sets the gauge `name` to `value`, e.g. `tic_link_up` to 1 or 0; see ``increment(counter:by:labels:)``.
    public func record(gauge name: String, _ value: Double, labels: [String: String] = [:]) {
        link.record(MetricSample(kind: .gauge, name: name, labels: labels, value: value))
    }
}

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

    /// The prefix of an adapter type's metric names, without its `_`: the type name in lower case,
    /// characters other than letters and digits as `_` (`Interruptibility` → `interruptibility`,
    /// `MQTTBridge` → `mqttbridge`). Every other name an adapter records must begin with it.
    package static func namespace(of typeName: String) -> String {
        String(typeName.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    /// The one metric name outside the adapter's namespace: 1 while the instance reports itself
    /// degraded (``AdapterContext/report(degraded:)``), 0 otherwise; the host's health reads it.
    public static let degradedGauge = "health_degraded"

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

    /// Tells the host whether the instance cannot do its job although it runs (a recorder that
    /// cannot write, a link that is down): while `degraded`, the host's `/health` answers 503 and
    /// lists the instance under `degraded`. Say why in an alarm or a log line. Sets the gauge
    /// ``MetricSample/degradedGauge`` (`energy_adapter_health_degraded`).
    public func report(degraded: Bool) {
        record(gauge: MetricSample.degradedGauge, degraded ? 1 : 0)
    }
}

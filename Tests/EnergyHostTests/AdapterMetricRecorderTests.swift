import AdapterKit
import EnergyHost
import Logging
import Testing

/// Adapter metrics (ABI 1.1 `metric`) land in the host's registry with site and adapter labels;
/// what would make Prometheus stop the process is refused instead.
@Suite struct AdapterMetricRecorderTests {
    @Test func samplesBecomeLabelledMetricsAndBadOnesAreRefused() {
        let metrics = HostMetrics()
        let first = metrics.adapter(site: "s1", id: "tic").custom
        let second = metrics.adapter(site: "s1", id: "other").custom
        let logger = Logger(label: "test")
        #expect(first.record(MetricSample(kind: .counter, name: "tic_frames_total", labels: ["result": "ok"], value: 2), logger: logger) == nil)
        #expect(first.record(MetricSample(kind: .counter, name: "tic_frames_total", labels: ["result": "ok"], value: 1), logger: logger) == nil)
        #expect(second.record(MetricSample(kind: .gauge, name: "tic_link_up", labels: [:], value: 1), logger: logger) == nil)
        let text = metrics.exposition()
        #expect(text.contains(#"energy_adapter_tic_frames_total{site="s1",adapter="tic",result="ok"} 3"#), "\(text)")
        #expect(text.contains(#"energy_adapter_tic_link_up{site="s1",adapter="other"} 1"#))
        let refused: [MetricSample] = [
            MetricSample(kind: .counter, name: "Frames", labels: [:], value: 1),
            MetricSample(kind: .gauge, name: "state", labels: [:], value: 1),
            MetricSample(kind: .counter, name: "x_total", labels: ["site": "elsewhere"], value: 1),
            MetricSample(kind: .counter, name: "x_total", labels: [:], value: -1),
            MetricSample(kind: .counter, name: "x_total", labels: [:], value: .nan),
            MetricSample(kind: .gauge, name: "tic_frames_total", labels: ["result": "ok"], value: 1),  // another kind
            MetricSample(kind: .counter, name: "tic_frames_total", labels: ["outcome": "ok"], value: 1),  // other keys
        ]
        for sample in refused {
            #expect(second.record(sample, logger: logger) != nil, "\(sample)")
        }
    }
}

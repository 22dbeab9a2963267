import AdapterKit
import EnergyHost
import Foundation
import Logging
import Testing

/// Adapter metrics (ABI 1.1 `metric`) land in the host's registry with site and adapter labels,
/// namespaced by adapter type; what would make Prometheus stop the process, or a scrape
/// unparseable, or let one adapter take over another's metric, is refused instead.
@Suite struct AdapterMetricRecorderTests {
    @Test func samplesBecomeLabelledMetricsAndBadOnesAreRefused() {
        let metrics = HostMetrics()
        let first = metrics.adapter(site: "s1", id: "tic", plugin: "TIC").custom
        let second = metrics.adapter(site: "s1", id: "other", plugin: "TIC").custom
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
            MetricSample(kind: .counter, name: "tic_x_total", labels: ["site": "elsewhere"], value: 1),
            MetricSample(kind: .counter, name: "tic_x_total", labels: ["__name__": "up"], value: 1),
            MetricSample(kind: .counter, name: "tic_x_total", labels: [:], value: -1),
            MetricSample(kind: .counter, name: "tic_x_total", labels: [:], value: .nan),
            MetricSample(kind: .gauge, name: "tic_frames_total", labels: ["result": "ok"], value: 1),  // another kind
            MetricSample(kind: .counter, name: "tic_frames_total", labels: ["outcome": "ok"], value: 1),  // other keys
            MetricSample(kind: .counter, name: "tic_", labels: [:], value: 1),
        ]
        for sample in refused {
            #expect(second.record(sample, logger: logger) != nil, "\(sample)")
        }
    }

    @Test func anAdapterCannotRecordAnotherTypesMetric() {
        let metrics = HostMetrics()
        let logger = Logger(label: "test")
        let intruder = metrics.adapter(site: "s", id: "probe", plugin: "Probe").custom
        let tic = metrics.adapter(site: "s", id: "tic", plugin: "TIC").custom
        #expect(intruder.record(MetricSample(kind: .gauge, name: "tic_link_up", labels: ["x": "y"], value: 0), logger: logger) != nil)
        #expect(tic.record(MetricSample(kind: .gauge, name: "tic_link_up", labels: [:], value: 1), logger: logger) == nil)
        #expect(AdapterMetricRecorder.namespace(of: "Flex-Ready.v2") == "flex_ready_v2")
    }

    /// Whatever adapters record (odd label values included), the scrape stays valid for
    /// Prometheus: `promtool check metrics` accepts it.
    @Test func theExpositionPassesPromtool() async throws {
        let metrics = HostMetrics()
        let logger = Logger(label: "test")
        let tic = metrics.adapter(site: "s", id: "tic", plugin: "TIC")
        _ = tic.custom.record(MetricSample(kind: .counter, name: "tic_frames_total", labels: ["result": "a \"quoted\"\nline\\"], value: 1), logger: logger)
        _ = tic.custom.record(MetricSample(kind: .gauge, name: "tic_link_up", labels: ["label": "é ✓"], value: 1), logger: logger)
        _ = tic.custom.record(MetricSample(kind: .counter, name: "tic_x_total", labels: ["__name__": "up"], value: 1), logger: logger)
        let result = try await Promtool.check(metrics.exposition())
        #expect(result.status == 0, "\(result.output)\n\(metrics.exposition())")
    }
}

/// `promtool check metrics` (Debian's prometheus package, installed by scripts/dependencies.sh).
enum Promtool {
    static func check(_ exposition: String) async throws -> (status: Int32, output: String) {
        let directory = try TestSupport.temporaryDirectory()
        let path = try TestSupport.write(exposition, to: "metrics.txt", in: directory)
        return try await TestSupport.run("/bin/sh", ["-c", "promtool check metrics < \"$0\"", path])
    }
}

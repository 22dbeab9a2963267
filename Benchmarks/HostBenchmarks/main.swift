import AdapterKit
import Foundation

// Host benchmarks (release build): `scripts/benchmark.sh`. Prints the figures of docs/benchmarks.md.

func format(_ value: Double) -> String { String(format: "%.0f", value) }
func microseconds(_ duration: Duration) -> String {
    String(format: "%.1f µs", Double(duration.components.attoseconds) / 1e12 + Double(duration.components.seconds) * 1e6)
}
func milliseconds(_ duration: Duration) -> String { String(format: "%.0f ms", duration / .milliseconds(1)) }
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// Five runs of 2 000 000 events after two warm-up runs: the median of the slowest subscriber's
/// delivery rate, the best, the median publish rate, and the drops of all five runs.
func busRouting(_ policy: DeliveryPolicy) async throws -> String {
    for _ in 0..<2 { _ = try await BusRoutingBenchmark.run(events: 200_000, policy: policy) }
    let events = 2_000_000
    var runs: [BusRoutingBenchmark.Figures] = []
    for _ in 0..<5 { runs.append(try await BusRoutingBenchmark.run(events: events, policy: policy)) }
    let slowest = runs.map { $0.deliveredPerSecond.first ?? 0 }
    let dropped = runs.reduce(0) { $0 + $1.dropped }
    let deliveries = runs.count * events * BusRoutingBenchmark.filters.count
    return "median \(format(median(slowest))) events/s delivered per subscriber (slowest subscriber; best run "
        + "\(format(slowest.max() ?? 0))), \(format(median(runs.map(\.publishedPerSecond)))) events/s published, "
        + "dropped \(dropped) of \(deliveries) (\(String(format: "%.1f", Double(dropped) * 100 / Double(deliveries))) %)"
}

let arguments = CommandLine.arguments
let configuration = arguments.count > 1 ? arguments[1] : "adapters.json"

print("energy-host benchmarks (\(ProcessInfo.processInfo.activeProcessorCount) cores)")
print("bus routing, 1 publisher -> 4 wildcard subscribers, lossless queues: \(try await busRouting(.lossless))")
print("bus routing, 1 publisher -> 4 wildcard subscribers, drop_oldest queues: \(try await busRouting(.dropOldest))")

let throughput = try await AcrossABIBenchmark.run(events: 1_000_000, rate: 0, queueCapacity: 8192)
print("across the ABI, adapter -> host -> adapter (lossless): \(format(throughput.deliveredPerSecond)) events/s "
    + "delivered to the receiving adapter (host's drop_oldest observers: dropped \(throughput.dropped))")

let paced = try await AcrossABIBenchmark.run(events: 50_000, rate: 10_000, queueCapacity: 8192)
print("latency at 10 k events/s, adapter -> host (1 ABI crossing): p50 \(microseconds(paced.oneHop.percentile(0.5))), "
    + "p99 \(microseconds(paced.oneHop.percentile(0.99))) (\(paced.oneHop.count) events)")
print("latency at 10 k events/s, adapter -> host -> adapter -> host (3 crossings: publish, deliver, publish): "
    + "p50 \(microseconds(paced.roundTrip.percentile(0.5))), p99 \(microseconds(paced.roundTrip.percentile(0.99))) "
    + "(\(paced.roundTrip.count) events; host's drop_oldest observers: dropped \(paced.dropped))")

for (label, isolated) in [("receiver in a runner process", Set(["receiver"])), ("both in runner processes", Set(["emitter", "receiver"]))] {
    let throughput = try await AcrossABIBenchmark.run(events: 1_000_000, rate: 0, queueCapacity: 8192, isolated: isolated)
    print("across processes (\(label)), adapter -> host -> adapter (lossless): \(format(throughput.deliveredPerSecond)) events/s "
        + "delivered to the receiving adapter (host's drop_oldest observers: dropped \(throughput.dropped))")
    let paced = try await AcrossABIBenchmark.run(events: 50_000, rate: 10_000, queueCapacity: 8192, isolated: isolated)
    print("latency at 10 k events/s (\(label)), adapter -> host: p50 \(microseconds(paced.oneHop.percentile(0.5))), "
        + "p99 \(microseconds(paced.oneHop.percentile(0.99))); adapter -> host -> adapter -> host: "
        + "p50 \(microseconds(paced.roundTrip.percentile(0.5))), p99 \(microseconds(paced.roundTrip.percentile(0.99))) "
        + "(\(paced.roundTrip.count) events; dropped \(paced.dropped))")
    print("runner memory (\(label), at 10 k events/s): \(paced.runners.map(\.summary).joined(separator: "; "))")
}
let restarts = try await CrashRestartBenchmark.run(crashes: 10)
print("runner killed (SIGKILL) to the instance running again, restart backoff 1 ms: median \(milliseconds(restarts[restarts.count / 2])) "
    + "(min \(milliseconds(restarts[0])), max \(milliseconds(restarts[restarts.count - 1])), \(restarts.count) crashes)")

let demo = try await StartupBenchmark.run(configuration: configuration, runs: 3)
let startups = demo.map(\.startup).sorted()
print("start-up with \(configuration) until /health answers: median \(milliseconds(startups[1])) "
    + "(runs: \(startups.map(milliseconds).joined(separator: ", ")))")
print("memory with \(configuration) after 3 s (per run): \(demo.map(\.memory.summary).joined(separator: "; "))")
if let last = demo.last, let map = last.map {
    print("memory by mapping (last run, \(last.threads) threads):")
    for (name, memory) in map.groups() where memory.rss >= 256 { print("  \(name): \(memory.summary)") }
}

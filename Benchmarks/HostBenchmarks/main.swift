import Foundation

// Host benchmarks (release build): `scripts/benchmark.sh`. Prints the figures of docs/benchmarks.md.

func format(_ value: Double) -> String { String(format: "%.0f", value) }
func microseconds(_ duration: Duration) -> String {
    String(format: "%.1f µs", Double(duration.components.attoseconds) / 1e12 + Double(duration.components.seconds) * 1e6)
}

let arguments = CommandLine.arguments
let configuration = arguments.count > 1 ? arguments[1] : "adapters.json"

print("energy-host benchmarks (\(ProcessInfo.processInfo.activeProcessorCount) cores)")

for _ in 0..<2 { _ = await BusRoutingBenchmark.run(events: 200_000) }  // warm-up
var routing: [Double] = []
var fanOut = 0.0
for _ in 0..<5 {
    let result = await BusRoutingBenchmark.run(events: 2_000_000)
    routing.append(result.publishesPerSecond)
    fanOut = max(fanOut, result.deliveriesPerSecond)
}
routing.sort()
print("bus routing, 1 publisher -> 4 wildcard subscribers: median \(format(routing[2])) events/s published "
    + "(best \(format(routing[4]))), \(format(fanOut)) deliveries/s")

let throughput = try await AcrossABIBenchmark.run(events: 1_000_000, rate: 0, queueCapacity: 8192)
print("across the ABI, adapter -> host -> adapter (lossless): \(format(throughput.deliveredPerSecond)) events/s")

let paced = try await AcrossABIBenchmark.run(events: 50_000, rate: 10_000, queueCapacity: 8192)
print("latency at 10 k events/s, adapter -> host (1 ABI crossing): p50 \(microseconds(paced.oneHop.percentile(0.5))), "
    + "p99 \(microseconds(paced.oneHop.percentile(0.99)))")
print("latency at 10 k events/s, adapter -> host -> adapter -> host (3 crossings: publish, deliver, publish): "
    + "p50 \(microseconds(paced.roundTrip.percentile(0.5))), p99 \(microseconds(paced.roundTrip.percentile(0.99)))")

let startup = try await StartupBenchmark.run(configuration: configuration, runs: 3)
let sortedStartups = startup.startup.sorted()
print("start-up with \(configuration) until /health answers: median \(sortedStartups[1]) (runs: \(sortedStartups))")
print("resident memory with \(configuration) after 3 s: \(startup.rssKiB.map { String(format: "%.1f MB", Double($0) / 1024) }.joined(separator: ", "))")

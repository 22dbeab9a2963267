import AdapterKit
import AdapterKitHTTPClient
import AdapterKitHTTPServer
import EnergyFlexReady
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

// FlexReady benchmark (release build): `scripts/benchmark.sh flexready`. The BACS role's server and
// its 64 clients in this process, over HTTP on loopback, on the emulator's data set at level 2:
// getBACSAssets and askFlex (each request new, so each is stored in SQLite before its answer)
// requests per second and latency with 64 concurrent clients, the resident memory once 100 000
// requests are stored, and realiseFlexRequest answers per second over a year of quarter-hours.

let clients = 64
let requestsToStore = 100_000
let phase = Duration.seconds(5)

/// Prints a figure at once (standard output is not buffered through this).
func report(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func residentMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
}

func percentile(_ values: [Double], _ fraction: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * fraction).rounded(.up)) - 1))]
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

/// `clients` tasks sending `request(n)` (n counts up across them) until `stop` returns true; the
/// figures: answers per second, p50 and p99 latency (ms), and the non-200 answers.
func load(_ http: HTTPClientResource, for duration: Duration? = nil, total: Int? = nil, _ request: @escaping @Sendable (Int) -> HTTPRequestSpec)
    async -> (perSecond: Double, p50: Double, p99: Double, failed: Int, count: Int)
{
    let counter = Counter()
    let clock = ContinuousClock()
    let start = clock.now
    let results = await withTaskGroup(of: ([Double], Int).self) { group in
        for _ in 0..<clients {
            group.addTask {
                var latencies: [Double] = [], failed = 0
                while true {
                    let n = counter.next()
                    if let total, n > total { break }
                    if let duration, clock.now - start > duration { break }
                    let sent = clock.now
                    do {
                        let answer = try await http.send(request(n))
                        if answer.status != 200 { failed += 1 }
                    } catch {
                        failed += 1
                    }
                    latencies.append(milliseconds(clock.now - sent))
                }
                return (latencies, failed)
            }
        }
        var all: [Double] = [], failed = 0
        for await (latencies, failures) in group {
            all += latencies
            failed += failures
        }
        return (all, failed)
    }
    let elapsed = milliseconds(clock.now - start) / 1000
    return (Double(results.0.count) / elapsed, percentile(results.0, 0.5), percentile(results.0, 0.99), results.1, results.0.count)
}

/// Numbers handed out once each across tasks.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func next() -> Int { value.add(1, ordering: .relaxed).newValue }
}

func askBody(_ n: Int) -> [UInt8] {
    // A new request each time, inside BACS 2's IRVE window (50 kW, 14:00 to 16:00 on 2025-04-02): level 2 answers
    // accepted once a day, refused after that; either way the request is stored before the answer.
    Array(#"{"requestID": "bench-\#(n)", "flexProduct": "WID", "askingPrice": 50, "power": [{"power": {"unit": "W", "multiplier": "k", "value": 40.0}, "start": "2025-04-02T14:00:00", "end": "2025-04-02T14:02:00"}]}"#.utf8)
}

/// Runs every phase and prints its figures.
func run() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flexready-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var logger = Logger(label: "flexready-bench")
    logger.logLevel = .error
    let now = FlexTime(parsing: "2025-04-01T08:00:00")!
    let consumptions = try FlexConsumptions(meters: [:], storePath: directory.appendingPathComponent("means.sqlite").path)
    let service = try await FlexBACSService(
        bacs: FlexEmulatorDataSet.bacs(level: .two), storePath: directory.appendingPathComponent("flexready.sqlite").path,
        consumptions: consumptions, now: { now }
    )
    let router = Router()
    router.add(middleware: JSONErrorMiddleware())
    FlexBACSRoutes.register(on: router, basePath: "", service: service, bodyLimit: 65_536)
    let port = Mutex(0)
    let application = try HTTPServerApplication.make(
        router: router, settings: HTTPServerSettings(port: 0), name: "flexready-bench", logger: logger,
        onListening: { bound in port.withLock { $0 = bound } }
    )
    let group = ServiceGroup(services: [application], gracefulShutdownSignals: [], logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let settings = HTTPClientSettings(baseURL: "http://127.0.0.1:\(port.withLock { $0 })", maximumConnections: clients)
        try await HTTPClientResource.run(settings, resolvePath: { $0 }) { http in
            let bacs = FlexEmulatorDataSet.bacs2
            report("FlexReady BACS server, \(clients) concurrent clients on loopback, \(ProcessInfo.processInfo.activeProcessorCount) cores")
            let assets = await load(http, for: phase) { _ in HTTPRequestSpec(path: "/bacs/\(bacs)/assets") }
            report(String(format: "getBACSAssets: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, %d not 200 (%d requests)", assets.perSecond, assets.p50, assets.p99, assets.failed, assets.count))
            let before = residentMegabytes()
            let asks = await load(http, total: requestsToStore) { n in
                HTTPRequestSpec.json("POST", path: "/bacs/\(bacs)/assets/IRVE/flexibilities/request", body: askBody(n))
            }
            report(String(format: "askFlex, each stored before its answer: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, %d not 200 (%d requests)", asks.perSecond, asks.p50, asks.p99, asks.failed, asks.count))
            let after = residentMegabytes()  // before the check below, which reads them all again
            let stored = try await FlexRequestStore(path: directory.appendingPathComponent("flexready.sqlite").path).load().count
            report(String(format: "memory with %d requests stored (and in the book): RSS %.1f MB, %.1f MB before them", stored, after, before))

            // A year of quarter-hours for IRVE, then realizations of a one-day request.
            var series = MeanPowerSeries(stepSeconds: 900, maximumGapSeconds: 900)
            var steps: [MeanPowerSeries.Step] = []
            let yearStart = FlexTime(parsing: "2024-04-03T00:00:00")!
            var index = 1_000_000.0
            for quarter in Int64(0)...(366 * 96) {
                steps += series.add(nanoseconds: (yearStart.secondsSinceEpoch + quarter * 900) * 1_000_000_000, wattHours: index)
                index += Double(10_000 + quarter % 96 * 100) / 4
            }
            try await MeanPowerStore(path: directory.appendingPathComponent("means.sqlite").path)
                .save(steps, bacsID: bacs, assetID: "IRVE", stepSeconds: 900)
            let day = #"{"requestID": "a-day", "flexProduct": "WID", "askingPrice": 50, "power": [{"power": {"unit": "W", "multiplier": "k", "value": 40.0}, "start": "2025-04-02T00:00:00", "end": "2025-04-03T00:00:00"}]}"#
            _ = await service.ask(bacsID: bacs, assetID: "IRVE", body: Array(day.utf8))
            let realised = await load(http, for: phase) { _ in
                HTTPRequestSpec(path: "/bacs/\(bacs)/assets/IRVE/flexibilities/request/a-day/consumptions")
            }
            report(String(format: "realiseFlexRequest, a day of quarter-hours (96) out of %d stored: %.0f answers/s, p50 %.2f ms, p99 %.2f ms, %d not 200", steps.count, realised.perSecond, realised.p50, realised.p99, realised.failed))
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

try await run()

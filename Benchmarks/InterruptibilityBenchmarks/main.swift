import AdapterKit
import AdapterKitHarness
import AdapterKitTesting
import EnergyHost
import Foundation
import EnergyInterruptibility
import Logging
import EnergyRTEPOC
import ServiceLifecycle
import Synchronization

// Interruptibility benchmarks (release build): `scripts/benchmark.sh interruptibility`. Prints the
// figures of docs/benchmarks.md: the trip decision latency through the real loader and bus, and
// the report cadence jitter with 100 sites reporting from one process to the simulator.

func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
}

/// `duration` in milliseconds, whole seconds included.
func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
}

func frequencyEvent(point: String, hertz: Double, at time: EventTime) throws -> Event {
    var measurement = EnergyMeasurement()
    var value = EnergyValue()
    value.quantity = Quantity.frequency.rawValue
    value.value = hertz
    value.quality = "valid"
    measurement.values = [value]
    measurement.meterTime = time.timestamp
    return try Event(topic: "sites/bench/analyser-\(point)/measurements", payload: measurement, time: time)
}

// MARK: Trip latency

/// Trips `count` times; returns the latencies in ms from delivering the completing sample to the
/// shed command leaving the subscriber's queue.
func tripLatencies(count: Int) async throws -> [Double] {
    let harness = try PluginHarness(typeName: "Interruptibility")
    let configuration = #"""
        {"report_id": "bench_site", "sample_time": "measured", "stale_after_s": 3600, "max_clock_offset_s": 86400,
         "points": [{"name": "a", "topic": "sites/bench/analyser-a/measurements"},
                    {"name": "b", "topic": "sites/bench/analyser-b/measurements"},
                    {"name": "c", "topic": "sites/bench/analyser-c/measurements"}],
         "shed": [{"target": "load"}]}
        """#
    let instance = try await harness.makeInstance(id: "interruptibility", site: "bench", configuration: configuration)
    let sheds = harness.observe("sites/bench/load/commands")
    let acks = harness.observe("sites/bench/interruptibility/acks")
    var latencies: [Double] = []
    try await instance.run { instance in
        // Sample times run ahead of the wall clock in 200 ms steps (never stale, never a gap).
        var time = EventTime.now().nanosecondsSinceEpoch
        for trip in 0..<count {
            for step in 0...15 {  // 0 … 3.0 s below 49.820 Hz at all three points
                let events = try ["a", "b", "c"].map { try frequencyEvent(point: $0, hertz: 49.7, at: EventTime(nanosecondsSinceEpoch: time)) }
                time += 200_000_000
                if step < 15 {
                    await instance.deliver(events)
                    continue
                }
                await instance.deliver([events[0]])  // a confirms: one of three
                let start = ContinuousClock.now
                await instance.deliver([events[1]])  // b completes the majority: the trip
                guard let shed = await sheds.next(maxCount: 1)?.first, shed.kind == .command else { fatalError("no shed command") }
                latencies.append(milliseconds(ContinuousClock.now - start))
                await instance.deliver([events[2]])
            }
            // Back to normal, then the authorised restore (once the trip is recorded).
            await instance.deliver(try ["a", "b", "c"].map { try frequencyEvent(point: $0, hertz: 50.0, at: EventTime(nanosecondsSinceEpoch: time)) })
            time += 200_000_000
            var outcome = ""
            repeat {
                var restore = EnergyCommand()
                restore.id = "restore-\(trip)"
                restore.action = "restore"
                restore.issuedBy = "bench"
                restore.reference = "RTE-\(trip)"
                var command = try Event(topic: "sites/bench/interruptibility/commands", payload: restore, time: .now())
                command.source = Event.operatorSource  // as the admin API sends it
                await instance.deliver([command])
                outcome = try await acks.next(maxCount: 1)?.first?.decode(EnergyCommandAck.self).outcome ?? ""
                if outcome != "executed" { try await Task.sleep(for: .milliseconds(1)) }
            } while outcome != "executed"
            _ = await sheds.next(maxCount: 1)  // the restore command
        }
    }
    instance.destroy()
    return latencies
}

// MARK: Report cadence

/// Runs `sites` adapters reporting every 2 s to one simulator for `seconds`; returns each
/// interval's deviation from 2 s, in ms, as the server received them.
func cadenceDeviations(sites: Int, seconds: Int) async throws -> (deviations: [Double], reports: Int, failed: Double) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rte-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }  // it holds private keys
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/make-certificates.sh")
    let process = Process()
    process.executableURL = script
    process.arguments = [directory.path]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    var settings = RTEPOCServer.Settings(
        certificate: directory.appendingPathComponent("server.pem").path, privateKey: directory.appendingPathComponent("server.key").path,
        clientCA: directory.appendingPathComponent("ca.pem").path, database: directory.appendingPathComponent("rte-poc.sqlite").path
    )
    settings.port = 0
    let server = try RTEPOCServer(settings: settings)
    let port = Atomic<Int>(0)
    var logger = Logger(label: "rte-poc")
    logger.logLevel = .error
    let group = ServiceGroup(configuration: .init(services: [try server.makeApplication(logger: logger) { port.store($0, ordering: .relaxed) }], logger: logger))
    let key = try String(contentsOf: directory.appendingPathComponent("client.key"), encoding: .utf8)
    let hosts = try (0..<sites).map { try InMemoryHost(instanceID: "site-\($0)") }
    var failed = 0.0
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        while port.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        for (index, host) in hosts.enumerated() {
            let configuration: JSONValue = .object([
                "report_id": .string("bench_site\(index)"),
                "points": .array([.object(["name": .string("a"), "topic": .string("sites/test-site/analyser-a/measurements")])]),
                "shed": .array([.object(["target": .string("load")])]),
                "reporting": .object([
                    "url": .string("https://127.0.0.1:\(port.load(ordering: .relaxed))/api/data"),
                    "client_certificate": .string(directory.appendingPathComponent("client.pem").path),
                    "client_key": .string(key), "ca_certificate": .string(directory.appendingPathComponent("ca.pem").path),
                ]),
            ])
            let adapter = try host.makeAdapter(InterruptibilityAdapter.self, configuration: configuration.jsonText)
            tasks.addTask { try await host.run(adapter) { _ in try await Task.sleep(for: .seconds(seconds)) } }
        }
        try await Task.sleep(for: .seconds(seconds + 3))
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
    failed = hosts.map { $0.metric("interruptibility_reports_total", labels: ["result": "failed"]) ?? 0 }.reduce(0, +)
    let entries = try server.store.entries()
    var deviations: [Double] = []
    for site in Dictionary(grouping: entries, by: \.report.id).values {
        // From the second report of each site: the first one also opens its TLS connection.
        let times = site.map { Double($0.received.nanosecondsSinceEpoch) / 1e6 }.dropFirst()
        deviations += zip(times.dropFirst(), times).map { abs($0 - $1 - 2000) }
    }
    return (deviations, entries.count, failed)
}

// Nothing is logged: the adapters' lines (a critical one per trip, 200 times) would drown the
// figures; the failures that matter are counted and printed.
LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
print("Interruptibility benchmarks")
let latencies = try await tripLatencies(count: 200)
print(String(format: "trip decision latency (completing sample delivered → shed command at a subscriber, real loader and bus, %d trips): p50 %.3f ms, p99 %.3f ms, max %.3f ms",
             latencies.count, percentile(latencies, 0.5), percentile(latencies, 0.99), latencies.max() ?? 0))
let cadence = try await cadenceDeviations(sites: 100, seconds: 30)
print(String(format: "report cadence, 100 sites for 30 s (%d reports, %.0f failed): deviation from 2 s p50 %.1f ms, p99 %.1f ms, max %.1f ms",
             cadence.reports, cadence.failed, percentile(cadence.deviations, 0.5), percentile(cadence.deviations, 0.99), cadence.deviations.max() ?? 0))

import AdapterKit
import AdapterKitTesting
import EnergyMQTTBridge
import Foundation
import Synchronization

// MQTT bridge benchmark (release build): `scripts/benchmark.sh mqtt`. A real Mosquitto on
// loopback, started here. Figures, each printed with what it measures:
// - the baseline: mosquitto_pub sending N messages of an event's size to mosquitto_sub (the
//   broker's own clients, QoS 0 and 1), from the publisher's start to the subscriber's last message;
// - bridge to bridge: N events delivered to a site's bridge, sent through the broker, put on the
//   receiving bridge's bus (two MQTTBridge instances in this process, each in an in-memory host):
//   measurements (telemetry, QoS 0) and alarms (lossless: outbox, QoS 1, duplicate check);
// - latency at a fixed rate: 500 events/s for 10 s, from delivery to the sending bridge to the
//   receiving bridge's publish, p50 / p99 / max;
// - a fleet: 50 site bridges sending at once to one central bridge: the central bridge's ingest rate;
// - host to host: two real energy-host processes, a Probe on the site host (HostToHost.swift).

let events = 20_000
let broker = try MosquittoBroker()
print("MQTT bridge benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, Mosquitto on 127.0.0.1:\(broker.port)")

func alarm(_ index: Int, site: String) -> Event {
    var event = try! Event(
        topic: "sites/\(site)/tic/alarms", payload: EnergyAlarm(code: "bench", severity: .info, message: "alarm \(index)", active: index % 2 == 0),
        time: EventTime.now()
    )
    event.source = "tic"
    return event
}

func measurement(_ index: Int, site: String) -> Event {
    var measurement = EnergyMeasurement()
    measurement.deviceID = "021861348497"
    measurement.values = (0..<4).map { quantity in
        var value = EnergyValue()
        value.quantity = ["active_power_import", "apparent_power_import", "voltage", "current"][quantity]
        value.value = Double(index % 1000)
        value.unit = ["W", "VA", "V", "A"][quantity]
        return value
    }
    var event = try! Event(topic: "sites/\(site)/tic/measurements", payload: measurement, time: EventTime.now())
    event.source = "tic"
    return event
}

/// What a receiving bridge published: a count and each event's latency (publish time − event time).
final class Tally: Sendable {
    private let count = Atomic<Int>(0)
    private let latencies = Mutex<[Double]>([])

    func record(_ event: Event) {
        guard event.isBridged else { return }
        let latency = Double(EventTime.now().nanosecondsSinceEpoch - event.time.nanosecondsSinceEpoch) / 1e6
        latencies.withLock { $0.append(latency) }
        count.add(1, ordering: .relaxed)
    }

    var received: Int { count.load(ordering: .relaxed) }
    var milliseconds: [Double] { latencies.withLock { $0 } }

    func reset() {
        latencies.withLock { $0.removeAll() }
        count.store(0, ordering: .relaxed)
    }

    func wait(for total: Int, seconds: Double = 120) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while received < total {
            guard ContinuousClock.now < deadline else { throw BenchError("only \(received) of \(total) events arrived") }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A bridge in an in-memory host, running until `release` finishes.
struct RunningBridge: Sendable {
    let host: InMemoryHost
    let bridge: MQTTBridgeAdapter

    init(site: String, configuration: String, tally: Tally? = nil) throws {
        var onPublish: (@Sendable (Event) -> Void)?
        if let tally { onPublish = { tally.record($0) } }
        host = try InMemoryHost(siteID: site, instanceID: "mqtt", onPublish: onPublish)
        bridge = try host.makeAdapter(MQTTBridgeAdapter.self, configuration: configuration)
    }

    func connected() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while host.metric("mqttbridge_connected") != 1 {
            guard ContinuousClock.now < deadline else { throw BenchError("\(host.siteID) did not connect") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// Runs every bridge while `body` runs.
func running(_ bridges: [RunningBridge], _ body: @Sendable () async throws -> Void) async throws {
    let (gate, release) = AsyncStream.makeStream(of: Void.self)
    try await withThrowingTaskGroup(of: Void.self) { group in
        for running in bridges {
            group.addTask {
                try await running.host.run(running.bridge) { _ in for await _ in gate {} }
            }
        }
        do {
            for running in bridges { try await running.connected() }
            try await body()
        } catch {
            release.finish()
            throw error
        }
        release.finish()
        try await group.waitForAll()
    }
}

func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * fraction).rounded(.up)) - 1))]
}

func format(_ value: Double) -> String { String(format: "%.0f", value) }

// MARK: Baseline: the broker's own clients

func baseline(qos: Int, sample: String) throws -> Double {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-bench-\(UUID().uuidString).txt")
    try Data(String(repeating: sample + "\n", count: events).utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let tools = URL(fileURLWithPath: "/usr/bin")
    let subscriber = Process()
    subscriber.executableURL = tools.appendingPathComponent("mosquitto_sub")
    subscriber.arguments = ["-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "bench/baseline", "-q", "\(qos)", "-C", "\(events)"]
    subscriber.standardOutput = FileHandle.nullDevice
    try subscriber.run()
    Thread.sleep(forTimeInterval: 0.5)
    let publisher = Process()
    publisher.executableURL = tools.appendingPathComponent("mosquitto_pub")
    publisher.arguments = ["-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "bench/baseline", "-q", "\(qos)", "-l"]
    publisher.standardInput = try FileHandle(forReadingFrom: file)
    let start = ContinuousClock.now
    try publisher.run()
    subscriber.waitUntilExit()
    let elapsed = ContinuousClock.now - start
    publisher.waitUntilExit()
    return Double(events) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

let measurementLine = measurement(1, site: "a").jsonLine()
let alarmLine = alarm(1, site: "a").jsonLine()
let baseline0 = try baseline(qos: 0, sample: measurementLine)
let baseline1 = try baseline(qos: 1, sample: alarmLine)
print("baseline, mosquitto_pub -l → mosquitto_sub, \(events) messages of \(measurementLine.utf8.count) bytes, QoS 0: \(format(baseline0)) messages/s")
print("baseline, mosquitto_pub -l → mosquitto_sub, \(events) messages of \(alarmLine.utf8.count) bytes, QoS 1: \(format(baseline1)) messages/s")

// MARK: Bridge to bridge

let tally = Tally()
let sender = try RunningBridge(site: "a", configuration: #"{"broker": "\#(broker.url)", "gateway_id": "a"}"#)
let receiver = try RunningBridge(
    site: "central",
    configuration: #"{"broker": "\#(broker.url)", "gateway_id": "central", "outbound": [], "inbound": [{"filter": "energy/+/sites/#", "kinds": ["measurement", "alarm"]}]}"#,
    tally: tally
)
try await running([sender, receiver]) {
    for (label, make, ratio) in [("measurements, QoS 0", measurement, baseline0), ("alarms (lossless: outbox, QoS 1)", alarm, baseline1)] as [(String, @Sendable (Int, String) -> Event, Double)] {
        tally.reset()
        let start = ContinuousClock.now
        for batch in stride(from: 0, to: events, by: 256) {
            try await sender.host.deliver((batch..<min(batch + 256, events)).map { make($0, "a") }, to: sender.bridge)
        }
        try await tally.wait(for: events)
        let elapsed = ContinuousClock.now - start
        let rate = Double(events) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        print("bridge to bridge, \(label): \(events) events in \(elapsed), \(format(rate)) events/s (× \(String(format: "%.2f", rate / ratio)) the baseline at the same QoS)")
    }

    for (label, make) in [("measurements, QoS 0", measurement), ("alarms, QoS 1", alarm)] as [(String, @Sendable (Int, String) -> Event)] {
        tally.reset()
        let rate = 500, seconds = 10
        let clock = ContinuousClock()
        var next = clock.now
        for index in 0..<(rate * seconds) {
            next = next.advanced(by: .microseconds(1_000_000 / rate))
            try await clock.sleep(until: next)
            try await sender.host.deliver([make(index, "a")], to: sender.bridge)
        }
        try await tally.wait(for: rate * seconds)
        let latencies = tally.milliseconds
        print("latency at \(rate) events/s for \(seconds) s, \(label): p50 \(String(format: "%.2f", percentile(latencies, 0.5))) ms, p99 \(String(format: "%.2f", percentile(latencies, 0.99))) ms, max \(String(format: "%.2f", latencies.max() ?? .nan)) ms")
    }
}

// MARK: A fleet

let sites = 50, perSite = 1000
let fleetTally = Tally()
let central = try RunningBridge(
    site: "central",
    configuration: #"{"broker": "\#(broker.url)", "gateway_id": "central", "outbound": [], "inbound": [{"filter": "energy/+/sites/#", "kinds": ["measurement", "alarm"]}]}"#,
    tally: fleetTally
)
let fleet = try (1...sites).map { try RunningBridge(site: "site-\($0)", configuration: #"{"broker": "\#(broker.url)"}"#) }
try await running([central] + fleet) {
    for (label, make) in [("measurements, QoS 0", measurement), ("alarms, QoS 1", alarm)] as [(String, @Sendable (Int, String) -> Event)] {
        fleetTally.reset()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for site in fleet {
                group.addTask {
                    for batch in stride(from: 0, to: perSite, by: 100) {
                        try await site.host.deliver((batch..<(batch + 100)).map { make($0, site.host.siteID) }, to: site.bridge)
                    }
                }
            }
            try await group.waitForAll()
        }
        try await fleetTally.wait(for: sites * perSite)
        let elapsed = ContinuousClock.now - start
        let rate = Double(sites * perSite) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        print("fleet, \(sites) sites × \(perSite) \(label) to one central bridge: \(format(rate)) events/s ingested (\(elapsed))")
    }
}
// MARK: Two energy-host processes

for qos in [0, 1] {
    let rate = try await HostToHost.rate(events: 50_000, qos: qos, broker: broker)
    let peer = qos == 0 ? baseline0 : baseline1
    print("host to host, two energy-host processes (a Probe's measurements, bridge to bridge), QoS \(qos): \(format(rate)) events/s (× \(String(format: "%.2f", rate / peer)) the baseline at the same QoS)")
}
broker.stop()

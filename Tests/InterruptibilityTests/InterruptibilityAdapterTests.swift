import AdapterKit
import AdapterKitTesting
import Foundation
import EnergyInterruptibility
import Synchronization
import Testing

/// A wall clock the test moves: the adapter's `now`.
final class VirtualNow: Sendable {
    private let time = Mutex(EventTime(nanosecondsSinceEpoch: 1_800_000_000_000_000_000))

    var now: EventTime { time.withLock { $0 } }

    func set(_ value: EventTime) {
        time.withLock { $0 = value }
    }
}

/// The adapter in an in-memory host: samples in, shed commands, status, alarms and acks out, and
/// the audit trail in a real SQLite file.
@Suite struct InterruptibilityAdapterTests {
    static let configuration = #"""
        {"report_id": "client42_site7", "sample_time": "received",
         "points": [{"name": "poste-a", "topic": "sites/test-site/analyser-a/measurements"},
                    {"name": "poste-b", "topic": "sites/test-site/analyser-b/measurements"},
                    {"name": "poste-c", "topic": "sites/test-site/analyser-c/measurements"}],
         "power": {"topic": "sites/test-site/meter/measurements"},
         "shed": [{"target": "load-1"}, {"target": "load-2", "topic": "sites/test-site/plc/commands"}]}
        """#

    /// A frequency measurement of `point` (a, b or c) at `time`.
    static func sample(_ point: String, _ hertz: Double, at time: EventTime) throws -> Event {
        var measurement = EnergyMeasurement()
        var value = EnergyValue()
        value.quantity = Quantity.frequency.rawValue
        value.value = hertz
        value.unit = "Hz"
        value.quality = "valid"
        measurement.values = [value]
        return try Event(topic: "sites/test-site/analyser-\(point)/measurements", payload: measurement, time: time)
    }

    /// Feeds `hertz(point, offset)` for a, b and c every 200 ms over `seconds`, moving `now` along.
    static func feed(
        _ host: InMemoryHost, _ adapter: InterruptibilityAdapter, clock: VirtualNow, seconds: Double,
        _ hertz: (String, Duration) -> Double
    ) async throws {
        let start = clock.now
        var offset = Duration.zero
        while offset <= .milliseconds(Int64(seconds * 1000)) {
            let time = EventTime(sinceEpoch: start.sinceEpoch + offset)
            clock.set(time)
            try await host.deliver(try ["a", "b", "c"].map { try sample($0, hertz($0, offset), at: time) }, to: adapter)
            offset += .milliseconds(200)
        }
    }

    /// A restore command, from the admin API unless `source` says otherwise.
    static func restore(by operatorName: String, reference: String, id: String = "cmd-1", source: String = Event.operatorSource) throws -> Event {
        var command = EnergyCommand()
        command.id = id
        command.action = "restore"
        command.target = "under-test"
        command.issuedBy = operatorName
        command.reference = reference
        var event = try Event(topic: "sites/test-site/under-test/commands", payload: command, time: EventTime.now())
        event.source = source
        return event
    }

    static func commands(_ host: InMemoryHost, action: String) throws -> [(topic: String, command: EnergyCommand)] {
        try host.published.filter { $0.kind == .command }.map { ($0.topic, try $0.decode(EnergyCommand.self)) }.filter { $0.command.action == action }
    }

    static func acks(_ host: InMemoryHost) throws -> [EnergyCommandAck] {
        try host.published.filter { $0.kind == .commandAck }.map { try $0.decode(EnergyCommandAck.self) }
    }

    static func statuses(_ host: InMemoryHost) throws -> [String] {
        try host.published.filter { $0.kind == .status }.map { try $0.decode(EnergyStatus.self).state }
    }

    /// Waits until `condition` holds (audit writes run after the trip path).
    static func eventually(timeout: Duration = .seconds(5), _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test(.timeLimit(.minutes(1))) func aDipShedsEveryTargetOnceAndOnlyAnAuthorisedRestoreEndsIt() async throws {
        let clock = VirtualNow()
        let host = try InMemoryHost(clock: ContinuousClock(), now: { clock.now })
        let adapter = try host.makeAdapter(InterruptibilityAdapter.self, configuration: Self.configuration)
        let auditPath = URL(fileURLWithPath: host.dataDirectory).appendingPathComponent(InterruptibilityAdapter.auditFile).path
        try await host.run(adapter) { host in
            // a and b dip to 49.700 Hz for 4 s; c (faulty) stays at 50 Hz: majority trips at 3.0 s.
            try await Self.feed(host, adapter, clock: clock, seconds: 4) { point, _ in point == "c" ? 50.0 : 49.7 }
            // The sheds leave first; the status, the metric and the alarm follow them.
            try await Self.eventually {
                try Self.commands(host, action: "shed").count == 2 && Self.statuses(host).last == "tripped"
                    && host.published.contains { $0.kind == .alarm }
            }
            let sheds = try Self.commands(host, action: "shed")
            #expect(sheds.map(\.topic).sorted() == ["sites/test-site/load-1/commands", "sites/test-site/plc/commands"])
            #expect(sheds.allSatisfy { $0.command.reason.contains("49.820 Hz") })
            #expect(try Self.statuses(host).last == "tripped")
            let alarms = try host.published.filter { $0.kind == .alarm }.map { try $0.decode(EnergyAlarm.self) }
            #expect(alarms.contains { $0.code == "interruptibility_trip" && $0.severity == "critical" && $0.active })
            #expect(host.metric("interruptibility_trips_total") == 1)

            let audit = try AuditTrail(path: auditPath)
            try await Self.eventually { try audit.entries().map(\.kind) == ["trip", "shed_sent"] }
            #expect(try audit.entries().map(\.kind) == ["trip", "shed_sent"])
            #expect(try audit.heldTrip()?.trip.points == ["poste-a", "poste-b"])
            #expect(try audit.heldTrip()?.trip.samples.count == 32)  // 16 samples × 2 points, 0 … 3.0 s

            // The frequency is back; still shed. Restores need an operator and a reference.
            try await Self.feed(host, adapter, clock: clock, seconds: 2) { _, _ in 50.0 }
            #expect(try Self.commands(host, action: "restore").isEmpty)
            try await host.deliver([try Self.restore(by: "alice", reference: "RTE-1", id: "from-an-adapter", source: "plc")], to: adapter)
            try await host.deliver([try Self.restore(by: "", reference: "RTE-1", id: "anonymous")], to: adapter)
            try await host.deliver([try Self.restore(by: "alice", reference: "", id: "no-reference")], to: adapter)
            try await host.deliver([try Self.restore(by: "alice", reference: "RTE-2026-0042", id: "granted")], to: adapter)
            try await Self.eventually { try Self.acks(host).count == 4 }
            try await host.deliver([try Self.restore(by: "alice", reference: "RTE-2026-0042", id: "again")], to: adapter)
            let acks = try Self.acks(host)
            #expect(acks.map(\.id) == ["from-an-adapter", "anonymous", "no-reference", "granted", "again"])
            #expect(acks.map(\.outcome) == ["rejected", "rejected", "rejected", "executed", "rejected"])
            #expect(acks.first?.detail.contains("operators only") == true, "\(acks.map(\.detail))")
            #expect(acks.last?.detail == "no trip is held")
            let restores = try Self.commands(host, action: "restore")
            #expect(restores.map(\.topic).sorted() == ["sites/test-site/load-1/commands", "sites/test-site/plc/commands"])
            #expect(restores.allSatisfy { $0.command.issuedBy == "alice" && $0.command.reference == "RTE-2026-0042" })
            #expect(try Self.statuses(host).last == "armed")
            try await Self.eventually { try audit.entries().map(\.kind) == ["trip", "shed_sent", "restore", "restore_sent"] }
            #expect(try audit.heldTrip() == nil)
            #expect(try audit.entries().first { $0.kind == "restore" }?.detail == "authorised by alice, reference RTE-2026-0042")
        }
    }

    @Test(.timeLimit(.minutes(1))) func aRestartWhileTrippedHoldsTheTripAndShedsAgain() async throws {
        let clock = VirtualNow()
        let first = try InMemoryHost(now: { clock.now })
        let adapter = try first.makeAdapter(InterruptibilityAdapter.self, configuration: Self.configuration)
        let audit = try AuditTrail(path: URL(fileURLWithPath: first.dataDirectory).appendingPathComponent(InterruptibilityAdapter.auditFile).path)
        try await first.run(adapter) { host in
            try await Self.feed(host, adapter, clock: clock, seconds: 3.2) { _, _ in 49.5 }
            try await Self.eventually { try audit.heldTrip() != nil }
        }
        #expect(try Self.commands(first, action: "shed").count == 2)

        // The host restarts: the same data directory, a new instance.
        let second = try InMemoryHost(dataDirectory: first.dataDirectory, now: { clock.now })
        let restarted = try second.makeAdapter(InterruptibilityAdapter.self, configuration: Self.configuration)
        try await second.run(restarted) { host in
            try await Self.eventually { try Self.statuses(host) == ["tripped"] }
            #expect(try Self.commands(host, action: "shed").map(\.command.reason).allSatisfy { $0.contains("resumed after a restart") })
            // Still low: no second trip while held. Then the authorised restore.
            try await Self.feed(host, adapter: restarted, clock: clock, seconds: 4)
            try await host.deliver([try Self.restore(by: "bob", reference: "RTE-7")], to: restarted)
            try await Self.eventually { try !Self.acks(host).isEmpty }
            #expect(try Self.acks(host).map(\.outcome) == ["executed"])
        }
        #expect(try Self.commands(second, action: "shed").count == 2)
        try await Self.eventually { try audit.entries().map(\.kind) == ["trip", "shed_sent", "resumed", "restore", "restore_sent"] }
        #expect(try audit.heldTrip() == nil)
    }
}

extension InterruptibilityAdapterTests {
    /// `sample_time: measured` with analysers whose clocks are 30 s behind the host's: the trip
    /// comes on the analysers' timeline, and the offset is alarmed, not a blind trigger.
    @Test(.timeLimit(.minutes(1))) func analysersThirtySecondsBehindStillTripAndAreAlarmed() async throws {
        let clock = VirtualNow()
        let host = try InMemoryHost(now: { clock.now })
        let configuration = Self.configuration.replacingOccurrences(of: #""sample_time": "received""#, with: #""sample_time": "measured""#)
        let adapter = try host.makeAdapter(InterruptibilityAdapter.self, configuration: configuration)
        try await host.run(adapter) { host in
            let start = clock.now
            var offset = Duration.zero
            while offset <= .seconds(4) {
                clock.set(EventTime(sinceEpoch: start.sinceEpoch + offset))
                let measured = EventTime(sinceEpoch: clock.now.sinceEpoch - .seconds(30))
                let events = try ["a", "b", "c"].map { point in
                    var event = try Self.sample(point, 49.6, at: clock.now)
                    var measurement = try event.decode(EnergyMeasurement.self)
                    measurement.meterTime = measured.timestamp
                    event = try Event(topic: event.topic, payload: measurement, time: clock.now)
                    return event
                }
                try await host.deliver(events, to: adapter)
                offset += .milliseconds(200)
            }
            try await Self.eventually { try Self.commands(host, action: "shed").count == 2 }
            let sheds = try Self.commands(host, action: "shed")
            #expect(sheds.count == 2)
            // The first two samples, before the offset is known, are refused: the trip comes 3 s after the third.
            #expect(sheds.first?.command.validFrom == EventTime(sinceEpoch: start.sinceEpoch + .milliseconds(3400) - .seconds(30)).timestamp)
            let alarms = try host.published.filter { $0.kind == .alarm }.map { try $0.decode(EnergyAlarm.self) }
            let offsets = alarms.filter { $0.code == "clock_offset" }
            #expect(offsets.count == 3 && offsets.allSatisfy { $0.severity == "critical" && $0.message.contains("30.000 s behind") }, "\(offsets)")
            #expect(!alarms.contains { $0.code == "samples_refused" })
        }
    }

    /// Feeds 49.5 Hz at every point (a dip).
    static func feed(_ host: InMemoryHost, adapter: InterruptibilityAdapter, clock: VirtualNow, seconds: Double) async throws {
        try await feed(host, adapter, clock: clock, seconds: seconds) { _, _ in 49.5 }
    }
}

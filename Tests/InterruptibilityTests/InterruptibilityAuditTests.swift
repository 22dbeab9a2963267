import AdapterKit
import AdapterKitTesting
import Foundation
import EnergyInterruptibility
import GRDB
import Synchronization
import Testing

/// The audit trail and the trip path together, on a real SQLite file: the trip is durable when
/// the shed leaves, and neither a stalled audit trail nor a failing one delays the shed or
/// blocks a restore's answer.
@Suite struct InterruptibilityAuditTests {
    typealias Support = InterruptibilityAdapterTests

    static func auditPath(_ host: InMemoryHost) -> String {
        URL(fileURLWithPath: host.dataDirectory).appendingPathComponent(InterruptibilityAdapter.auditFile).path
    }

    @Test(.timeLimit(.minutes(1))) func whenAShedLeavesTheTripIsAlreadyInTheAuditTrail() async throws {
        // What a crash right after the shed would find: checked at the moment each shed is published.
        let checks = Mutex<[Bool]>([])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)").path
        let clock = VirtualNow()
        let host = try InMemoryHost(dataDirectory: directory, now: { clock.now }) { event in
            guard event.kind == .command, (try? event.decode(EnergyCommand.self).action) == "shed" else { return }
            let audit = try? AuditTrail(path: URL(fileURLWithPath: directory).appendingPathComponent(InterruptibilityAdapter.auditFile).path)
            let held = (try? audit?.heldTrip()) != nil
            checks.withLock { $0.append(held) }
        }
        let adapter = try host.makeAdapter(InterruptibilityAdapter.self, configuration: Support.configuration)
        try await host.run(adapter) { host in
            try await Support.feed(host, adapter: adapter, clock: clock, seconds: 3.2)
            try await Support.eventually { checks.withLock { $0.count } == 2 }
        }
        #expect(checks.withLock { $0 } == [true, true], "\(host.logs.map { "\($0.message) \($0.metadata)" })")
    }

    @Test(.timeLimit(.minutes(1))) func aStalledAuditTrailDelaysNeitherTheShedNorARestoresAnswer() async throws {
        let clock = VirtualNow()
        // When each shed and answer is published, on the real clock (not when the test notices).
        let published = Mutex<[(kind: EventKind, at: ContinuousClock.Instant)]>([])
        let host = try InMemoryHost(now: { clock.now }) { event in
            guard event.kind == .command || event.kind == .commandAck else { return }
            published.withLock { $0.append((event.kind, ContinuousClock.now)) }
        }
        let adapter = try host.makeAdapter(InterruptibilityAdapter.self, configuration: Support.configuration)
        try await host.run(adapter) { host in
            // Another connection holds the database's write lock: every write waits (then fails).
            let lock = try WriteLock(path: Self.auditPath(host))
            // 3.0 s of dip, the last sample completing the trip timed on the real clock.
            try await Support.feed(host, adapter, clock: clock, seconds: 2.9) { _, _ in 49.5 }
            clock.set(EventTime(sinceEpoch: clock.now.sinceEpoch + .milliseconds(200)))
            let completing = ContinuousClock.now
            try await host.deliver(try ["a", "b", "c"].map { try Support.sample($0, 49.5, at: clock.now) }, to: adapter)
            try await Support.eventually { try Support.commands(host, action: "shed").count == 2 }
            let shedDelay = try #require(published.withLock { $0.last { $0.kind == .command }?.at }) - completing
            #expect(try Support.commands(host, action: "shed").count == 2)
            #expect(shedDelay < .milliseconds(100), "the shed left \(shedDelay) after the completing sample")
            #expect(try Support.statuses(host).last == "tripped")

            // A restore is answered (failed) by its deadline, and the deliveries after it are not held.
            let asked = ContinuousClock.now
            try await host.deliver([try Support.restore(by: "alice", reference: "RTE-9", id: "stalled")], to: adapter)
            try await host.deliver(try ["a", "b", "c"].map { try Support.sample($0, 50.0, at: clock.now) }, to: adapter)
            #expect(ContinuousClock.now - asked < .milliseconds(100))
            try await Support.eventually { try !Support.acks(host).isEmpty }
            let answered = try #require(published.withLock { $0.first { $0.kind == .commandAck }?.at }) - asked
            let ack = try #require(try Support.acks(host).first)
            #expect(ack.outcome == "failed")
            #expect(answered < .seconds(4), "answered after \(answered)")
            #expect(try Support.commands(host, action: "restore").isEmpty)

            // The disk comes back: the trip is written, and the restore goes through.
            lock.release()
            let audit = try AuditTrail(path: Self.auditPath(host))
            try await Support.eventually(timeout: .seconds(15)) { try audit.heldTrip() != nil }
            #expect(try audit.heldTrip() != nil)
            try await host.deliver([try Support.restore(by: "alice", reference: "RTE-9", id: "granted")], to: adapter)
            try await Support.eventually { try Support.acks(host).count == 2 }
            #expect(try Support.acks(host).map(\.outcome) == ["failed", "executed"])
            #expect(try Support.commands(host, action: "restore").count == 2)
        }
    }
}

/// Holds the write lock of an SQLite database from another connection, as a stalled disk would
/// make every write wait.
final class WriteLock: Sendable {
    private let queue: DatabaseQueue

    init(path: String) throws {
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
    }

    func release() {
        try? queue.inDatabase { try $0.execute(sql: "COMMIT") }
    }
}

import AdapterKit
import AdapterKitStorage
import Foundation
import GRDB
import Synchronization
import Testing

/// The storage block on real SQLite files: WAL, migrations, the ledger and the outbox across a
/// reopening (a restart), and the serial writer's order.
@Suite struct StorageTests {
    private func path(_ name: String = "state.sqlite") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("storage-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    private static let t0 = EventTime(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)

    private func open(_ path: String) throws -> SQLiteStore {
        try SQLiteStore(path: path, migrations: IdempotencyLedger.migrations() + Outbox.migrations())
    }

    @Test func opensInWALModeAndAppliesEachMigrationOnce() async throws {
        let file = try path()
        let first = try SQLiteStore(path: file, migrations: [.init("v1", sql: "CREATE TABLE notes (text TEXT NOT NULL)")])
        try await first.write { db in try db.execute(sql: "INSERT INTO notes VALUES ('kept')") }
        #expect(try first.readNow { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        // Reopened with one more migration: v1 is not applied again (its CREATE would fail), v2 is.
        let second = try SQLiteStore(path: file, migrations: [
            .init("v1", sql: "CREATE TABLE notes (text TEXT NOT NULL)"),
            .init("v2", sql: "ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT 'nobody'"),
        ])
        let rows = try second.readNow { db in try Row.fetchAll(db, sql: "SELECT text, author FROM notes") }
        #expect(rows.map { $0["text"] as String } == ["kept"])
        #expect(rows.map { $0["author"] as String } == ["nobody"])
    }

    /// `writeNow` commits before it returns (a second connection sees the row at once) and rolls
    /// back when its body throws.
    @Test func writeNowCommitsBeforeItReturnsAndRollsBackOnAThrow() throws {
        let file = try path()
        let store = try SQLiteStore(path: file, migrations: [.init("v1", sql: "CREATE TABLE notes (text TEXT NOT NULL)")])
        let id = try store.writeNow { db -> Int64 in
            try db.execute(sql: "INSERT INTO notes VALUES ('kept')")
            return db.lastInsertedRowID
        }
        #expect(id == 1)
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try store.writeNow { db in
                try db.execute(sql: "INSERT INTO notes VALUES ('dropped')")
                throw Refused()
            }
        }
        let other = try SQLiteStore(path: file, migrations: [.init("v1", sql: "CREATE TABLE notes (text TEXT NOT NULL)")])
        #expect(try other.readNow { db in try String.fetchAll(db, sql: "SELECT text FROM notes") } == ["kept"])
    }

    @Test func aFailingMigrationRefusesToOpen() throws {
        #expect(throws: (any Error).self) {
            _ = try SQLiteStore(path: try path(), migrations: [.init("v1", sql: "CREATE TABLE broken (")])
        }
    }

    @Test func theLedgerStoresEachRevisionOnceAndKeepsItAcrossARestart() async throws {
        let file = try path()
        do {
            let ledger = IdempotencyLedger(store: try open(file))
            guard case .new(let entry) = try await ledger.record(id: "order-1", version: 1, body: Array("first".utf8), at: Self.t0) else {
                Issue.record("the first recording is not new")
                return
            }
            #expect(entry.state == "received")
            #expect(try await ledger.record(id: "order-1", version: 2, body: Array("second".utf8), at: Self.t0).isNew)
            try await ledger.update(id: "order-1", version: 1, state: "acknowledged", detail: "200", at: Self.t0)
            #expect(try await ledger.attempt(id: "order-1", version: 2, detail: "timeout", at: Self.t0) == 1)
        }
        // A restart: a new store on the same file.
        let ledger = IdempotencyLedger(store: try open(file))
        guard case .existing(let again) = try await ledger.record(id: "order-1", version: 1, body: Array("retried".utf8), at: Self.t0) else {
            Issue.record("a stored revision was recorded again")
            return
        }
        #expect(again.state == "acknowledged" && again.detail == "200" && again.body == Array("first".utf8))
        let pending = try await ledger.entries(inState: "received")
        #expect(pending.map(\.version) == [2])
        #expect(pending.first?.attempts == 1 && pending.first?.detail == "timeout")
        await #expect(throws: IdempotencyLedger.NotStored.self) {
            try await ledger.update(id: "order-9", state: "acknowledged", at: Self.t0)
        }
    }

    @Test func theOutboxSendsInOrderAndForgetsOnlyWhatWasSent() async throws {
        let file = try path()
        do {
            let outbox = Outbox(store: try open(file))
            for index in 1...3 { try await outbox.enqueue(kind: "alarm", payload: [UInt8(index)], at: Self.t0) }
            let first = try await outbox.pending(limit: 2)
            #expect(first.map(\.payload) == [[1], [2]])
            try await outbox.markSent(first[0].id)
            try await outbox.markFailed(first[1].id, error: "broker unreachable")
        }
        let outbox = Outbox(store: try open(file))
        let left = try await outbox.pending()
        #expect(left.map(\.payload) == [[2], [3]])
        #expect(left.first?.attempts == 1 && left.first?.lastError == "broker unreachable")
        #expect(try await outbox.count() == 2)
    }

    /// Batches: queued in one transaction in order, read on from the last item handed out,
    /// removed together; what was not sent is still there after a reopening.
    @Test func theOutboxQueuesReadsOnAndForgetsInBatches() async throws {
        let file = try path()
        do {
            let outbox = Outbox(store: try open(file))
            let ids = try await outbox.enqueue(contentsOf: (1...5).map { (kind: "alarm", payload: [UInt8($0)]) }, at: Self.t0)
            #expect(ids.count == 5 && ids == ids.sorted())
            let handed = try await outbox.pending(after: 0, limit: 2)
            let next = try await outbox.pending(after: handed.last!.id, limit: 10)
            #expect(handed.map(\.payload) == [[1], [2]] && next.map(\.payload) == [[3], [4], [5]])
            try await outbox.markSent([ids[0], ids[2]])
            #expect(try await outbox.enqueue(contentsOf: [], at: Self.t0).isEmpty)
        }
        let outbox = Outbox(store: try open(file))
        #expect(try await outbox.pending().map(\.payload) == [[2], [4], [5]])
    }

    @Test func theSerialWriterRunsWritesInOrderAndRefusesThemOnceFinished() async throws {
        let writer = SerialWriter()
        let order = Mutex<[Int]>([])
        let failures = Mutex(0)
        async let running: Void = writer.run { _ in failures.withLock { $0 += 1 } }
        for index in 0..<50 {
            writer.enqueue {
                if index % 10 == 0 { try await Task.sleep(for: .milliseconds(1)) }
                order.withLock { $0.append(index) }
            }
        }
        writer.enqueue { throw CancellationError() }
        try await writer.perform { order.withLock { $0.append(50) } }
        #expect(order.withLock { $0 } == Array(0...50))
        writer.finish()
        await running
        #expect(failures.withLock { $0 } == 1)
        #expect(!writer.enqueue {})
        await #expect(throws: SerialWriter.Finished.self) { try await writer.perform {} }
    }
}

/// Group commit on a real SQLite file: concurrent callers share transactions, each returns once
/// its own item is written, and a failed batch fails each of its callers and writes nothing.
@Suite struct GroupCommitTests {
    @Test(.timeLimit(.minutes(1))) func concurrentCommitsShareTransactionsAndAFailedBatchWritesNothing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("group-commit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: directory.appendingPathComponent("items.sqlite").path, migrations: [
            .init("items", sql: "CREATE TABLE items (value INTEGER PRIMARY KEY)"),
        ])
        let transactions = Mutex(0)
        let commits = GroupCommit<Int>(maximumBatch: 64) { batch in
            try await store.write { db in
                for value in batch {
                    if value < 0 { throw CancellationError() }  // a poisoned batch: rolled back whole
                    try db.execute(sql: "INSERT INTO items (value) VALUES (?)", arguments: [value])
                }
            }
            transactions.withLock { $0 += 1 }
        }
        let written = try await withThrowingTaskGroup(of: Int.self) { group in
            for value in 0..<500 {
                group.addTask {
                    try await commits.commit(value)
                    // Returned: the item is in the file.
                    return try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items WHERE value = ?", arguments: [value]) ?? 0 }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(written == 500)
        #expect(transactions.withLock { $0 } < 500, "500 commits at once took \(transactions.withLock { $0 }) transactions")

        // A batch holding a poisoned item fails for each caller in it; none of its items is written.
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for value in [1000, -1, 1001] { group.addTask { ((value), (try? await commits.commit(value)) != nil) } }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        let stored = try await store.read { db in try Int.fetchAll(db, sql: "SELECT value FROM items WHERE value >= 1000 OR value < 0") }
        #expect(outcomes[-1] == false)
        // Whatever shared the poisoned item's batch failed with it and is absent; the others are stored.
        for value in [1000, 1001] { #expect(outcomes[value] == stored.contains(value), "\(value): \(String(describing: outcomes[value])), stored \(stored)") }
    }
}

public import AdapterKit
import Foundation
import GRDB

/// Things still to send, kept in SQLite until they are sent: messages for a peer that is not
/// reachable now, in the order they were queued, with their attempts. An item leaves the outbox
/// only when ``markSent(_:)`` says it arrived, so a restart sends again what was not confirmed.
public struct Outbox: Sendable {
    /// One queued item.
    public struct Item: Sendable, Hashable {
        /// Its position: items are sent in increasing id order.
        public var id: Int64
        /// What it is, in the adapter's own words (a topic, a kind).
        public var kind: String
        /// What to send.
        public var payload: [UInt8]
        /// Failed attempts so far.
        public var attempts: Int
        /// The last failure, if any.
        public var lastError: String?
        /// When it was queued.
        public var queued: EventTime
    }

    private let store: SQLiteStore
    private let table: String

    /// The migrations that create the outbox's table `table`; give them to the ``SQLiteStore``.
    public static func migrations(table: String = "outbox") -> [SQLiteStore.Migration] {
        let name = IdempotencyLedger.checked(table)
        return [
            .init("\(name).v1", sql: """
                CREATE TABLE \(name) (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, payload BLOB NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, queued_ns INTEGER NOT NULL);
                """)
        ]
    }

    /// The outbox in `table` of `store` (opened with ``migrations(table:)``).
    public init(store: SQLiteStore, table: String = "outbox") {
        self.store = store
        self.table = IdempotencyLedger.checked(table)
    }

    /// Queues `payload`; durable when it returns. Returns the item's id.
    @discardableResult
    public func enqueue(kind: String, payload: [UInt8], at time: EventTime) async throws -> Int64 {
        try await store.write { [table] db in
            try db.execute(sql: "INSERT INTO \(table) (kind, payload, queued_ns) VALUES (?, ?, ?)", arguments: [kind, Data(payload), time.nanosecondsSinceEpoch])
            return db.lastInsertedRowID
        }
    }

    /// Queues `items` in one transaction, in order; durable when it returns. Returns their ids.
    @discardableResult
    public func enqueue(contentsOf items: [(kind: String, payload: [UInt8])], at time: EventTime) async throws -> [Int64] {
        guard !items.isEmpty else { return [] }
        return try await store.write { [table] db in
            let statement = try db.makeStatement(sql: "INSERT INTO \(table) (kind, payload, queued_ns) VALUES (?, ?, ?)")
            return try items.map { item in
                try statement.execute(arguments: [item.kind, Data(item.payload), time.nanosecondsSinceEpoch])
                return db.lastInsertedRowID
            }
        }
    }

    /// The oldest `limit` items still to send whose id is above `id`, in order.
    public func pending(after id: Int64 = 0, limit: Int = 100) async throws -> [Item] {
        try await store.read { [table] db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE id > ? ORDER BY id LIMIT ?", arguments: [id, limit]).map { row in
                Item(
                    id: row["id"], kind: row["kind"], payload: [UInt8](row["payload"] as Data? ?? Data()), attempts: row["attempts"],
                    lastError: row["last_error"], queued: EventTime(nanosecondsSinceEpoch: row["queued_ns"])
                )
            }
        }
    }

    /// The item arrived: it leaves the outbox.
    public func markSent(_ id: Int64) async throws {
        try await store.write { [table] db in try db.execute(sql: "DELETE FROM \(table) WHERE id = ?", arguments: [id]) }
    }

    /// The items arrived: they leave the outbox, in one transaction.
    public func markSent(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await store.write { [table] db in
            let statement = try db.makeStatement(sql: "DELETE FROM \(table) WHERE id = ?")
            for id in ids { try statement.execute(arguments: [id]) }
        }
    }

    /// An attempt failed: the item stays, its attempts and last error recorded.
    public func markFailed(_ id: Int64, error: String) async throws {
        try await store.write { [table] db in
            try db.execute(sql: "UPDATE \(table) SET attempts = attempts + 1, last_error = ? WHERE id = ?", arguments: [error, id])
        }
    }

    /// How many items are still to send.
    public func count() async throws -> Int {
        try await store.read { [table] db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }
}

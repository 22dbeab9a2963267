public import AdapterKit
import Foundation
import GRDB

/// "Write before you acknowledge": every order received from outside is stored, keyed by its
/// external id and version, before anything acts on it or answers for it; each step of its
/// handling is then recorded against it. A revision already stored is recognised, so a retried
/// delivery or a restart never handles the same (id, version) twice, and nothing stored is
/// forgotten.
///
/// ```swift
/// switch try await ledger.record(id: order.id, version: order.revision, body: raw, at: context.now()) {
/// case .new: try await execute(order); try await ledger.update(id: order.id, version: order.revision, state: "acknowledged")
/// case .existing(let entry): context.logger.debug("already handled", metadata: ["state": "\(entry.state)"])
/// }
/// ```
public struct IdempotencyLedger: Sendable {
    /// One stored (id, version).
    public struct Entry: Sendable, Hashable {
        /// The external id (an order's, a request's).
        public var id: String
        /// Its version (revision); 0 when the source has none.
        public var version: Int64
        /// Where its handling stands, in the adapter's own words (`received`, `acknowledged`...).
        public var state: String
        /// The body as received.
        public var body: [UInt8]
        /// How many attempts ``attempt(id:version:detail:at:)`` counted.
        public var attempts: Int
        /// The last detail recorded (an answer, an error).
        public var detail: String
        /// When it was first stored.
        public var received: EventTime
        /// When it last changed.
        public var updated: EventTime
    }

    /// What ``record(id:version:body:state:at:)`` found.
    public enum Recording: Sendable, Hashable {
        /// Stored now, for the first time.
        case new(Entry)
        /// Already stored: the entry as it stands (its body is the first one received).
        case existing(Entry)

        /// Whether it was stored now.
        public var isNew: Bool {
            if case .new = self { return true }
            return false
        }
    }

    private let store: SQLiteStore
    private let table: String

    /// The migrations that create the ledger's table `table`; give them to the ``SQLiteStore``.
    public static func migrations(table: String = "ledger") -> [SQLiteStore.Migration] {
        [
            .init("\(table).v1", sql: """
                CREATE TABLE \(checked(table)) (
                    id TEXT NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL, body BLOB NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0, detail TEXT NOT NULL DEFAULT '',
                    received_ns INTEGER NOT NULL, updated_ns INTEGER NOT NULL,
                    PRIMARY KEY (id, version));
                CREATE INDEX \(checked(table))_state ON \(checked(table)) (state);
                """)
        ]
    }

    /// The ledger in `table` of `store` (opened with ``migrations(table:)``).
    public init(store: SQLiteStore, table: String = "ledger") {
        self.store = store
        self.table = Self.checked(table)
    }

    /// Stores (id, version) with `body` in `state`, unless it is already stored. Durable when it
    /// returns: act on the order, or acknowledge it, only after.
    public func record(id: String, version: Int64 = 0, body: [UInt8], state: String = "received", at time: EventTime) async throws -> Recording {
        try await store.write { [table] db in
            if let existing = try Self.fetch(db, table, id, version) { return .existing(existing) }
            try db.execute(
                sql: "INSERT INTO \(table) (id, version, state, body, received_ns, updated_ns) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [id, version, state, Data(body), time.nanosecondsSinceEpoch, time.nanosecondsSinceEpoch]
            )
            return .new(try Self.fetch(db, table, id, version)!)
        }
    }

    /// Sets the state (and detail) of a stored (id, version); throws when it is not stored.
    public func update(id: String, version: Int64 = 0, state: String, detail: String = "", at time: EventTime) async throws {
        try await store.write { [table] db in
            try db.execute(
                sql: "UPDATE \(table) SET state = ?, detail = ?, updated_ns = ? WHERE id = ? AND version = ?",
                arguments: [state, detail, time.nanosecondsSinceEpoch, id, version]
            )
            guard db.changesCount == 1 else { throw NotStored(id: id, version: version) }
        }
    }

    /// Counts one more attempt at handling a stored (id, version), with its detail; returns the count.
    @discardableResult
    public func attempt(id: String, version: Int64 = 0, detail: String, at time: EventTime) async throws -> Int {
        try await store.write { [table] db in
            try db.execute(
                sql: "UPDATE \(table) SET attempts = attempts + 1, detail = ?, updated_ns = ? WHERE id = ? AND version = ?",
                arguments: [detail, time.nanosecondsSinceEpoch, id, version]
            )
            guard let entry = try Self.fetch(db, table, id, version) else { throw NotStored(id: id, version: version) }
            return entry.attempts
        }
    }

    /// The stored (id, version), if any.
    public func entry(id: String, version: Int64 = 0) async throws -> Entry? {
        try await store.read { [table] db in try Self.fetch(db, table, id, version) }
    }

    /// The entries in `state`, oldest first: after a restart, what is still to be done.
    public func entries(inState state: String) async throws -> [Entry] {
        try await store.read { [table] db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE state = ? ORDER BY received_ns, id, version", arguments: [state]).map(Self.entry)
        }
    }

    /// No entry for this (id, version).
    public struct NotStored: Error, CustomStringConvertible {
        public var id: String
        public var version: Int64
        public var description: String { "no ledger entry for \(id) version \(version)" }
    }

    private static func fetch(_ db: Database, _ table: String, _ id: String, _ version: Int64) throws -> Entry? {
        try Row.fetchOne(db, sql: "SELECT * FROM \(table) WHERE id = ? AND version = ?", arguments: [id, version]).map(entry)
    }

    private static func entry(_ row: Row) -> Entry {
        Entry(
            id: row["id"], version: row["version"], state: row["state"], body: [UInt8](row["body"] as Data? ?? Data()),
            attempts: row["attempts"], detail: row["detail"],
            received: EventTime(nanosecondsSinceEpoch: row["received_ns"]), updated: EventTime(nanosecondsSinceEpoch: row["updated_ns"])
        )
    }

    /// `name` when it is a plain SQL identifier (table names are written into statements).
    static func checked(_ name: String) -> String {
        precondition(!name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") } && !name.first!.isNumber,
                     "table name \(name) must be letters, digits and _")
        return name
    }
}

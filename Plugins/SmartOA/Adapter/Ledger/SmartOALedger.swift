import AdapterKit
import AdapterKitStorage
import Foundation
import GRDB

/// The adapter's ledger in its SQLite database: every order revision received (its canonical body,
/// the body's SHA-256 and its parsed values) with where its acknowledgement stands, every
/// acknowledgement attempt and answer, every command sent to a plant and its confirmation, and the
/// last schedule published per contract. Append-only but for the states.
///
/// A revision is stored before anything acts on it; its acknowledgement state changes only here,
/// so a restart knows what is still to be acknowledged and what may have been sent already.
struct SmartOALedger: Sendable {
    /// A revision whose acknowledgement is not settled.
    struct Outstanding: Sendable, Hashable {
        var order: CurtailmentOrder
        var account: String
        var state: AcknowledgementState
        var attempts: Int
    }

    /// A revision as the operator view shows it.
    struct Row: Sendable, Hashable {
        var order: CurtailmentOrder
        var state: AcknowledgementState
        var attempts: Int
        var detail: String
        var acknowledged: EventTime?
    }

    /// The last command sent to a contract's plant.
    struct Command: Sendable, Hashable {
        var id: String
        var action: String
        var validUntil: EventTime?
    }

    private let store: SQLiteStore

    /// Opens (or creates) the ledger at `path`.
    init(path: String) throws {
        store = try SQLiteStore(path: path, migrations: Self.migrations)
    }

    /// What ``store(_:account:at:state:)`` did.
    struct Stored: Sendable {
        /// The revisions stored now (not seen before).
        var new: [OrderRevision] = []
        /// Revisions already stored whose body is not the one stored: the platform changed an order
        /// without a new version. The first body stays the one acted on.
        var conflicts: [OrderKey] = []
    }

    /// Stores the revisions not stored yet, in `state(order)`.
    func store(_ revisions: [OrderRevision], account: String, at time: EventTime,
               state: @escaping @Sendable (CurtailmentOrder) -> AcknowledgementState) async throws -> Stored {
        guard !revisions.isEmpty else { return Stored() }
        return try await store.write { db in
            var stored = Stored()
            for revision in revisions {
                let order = revision.order
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO revisions (curtailment_id, version, contract_id, account, start_ns, end_ns, stop, status,
                            body, body_sha256, received_ns, ack_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        order.curtailmentID, order.version, order.contractID, account, order.start.nanosecondsSinceEpoch,
                        order.end.nanosecondsSinceEpoch, order.stop, order.status.rawValue, Data(revision.body), revision.bodyHash,
                        time.nanosecondsSinceEpoch, state(order).rawValue,
                    ]
                )
                if db.changesCount == 1 {
                    stored.new.append(revision)
                } else if try String.fetchOne(
                    db, sql: "SELECT body_sha256 FROM revisions WHERE curtailment_id = ? AND version = ?",
                    arguments: [order.curtailmentID, order.version]
                ) != revision.bodyHash {
                    stored.conflicts.append(order.key)
                }
            }
            return stored
        }
    }

    /// The latest revision of every order that ends at or after `time`.
    func latestOrders(endingFrom time: EventTime) async throws -> [CurtailmentOrder] {
        try await store.read { db in
            try GRDB.Row.fetchAll(db, sql: """
                SELECT * FROM revisions r WHERE end_ns >= ? AND version = (SELECT MAX(version) FROM revisions WHERE curtailment_id = r.curtailment_id)
                """, arguments: [time.nanosecondsSinceEpoch]).map(Self.order)
        }
    }

    /// The revisions in `states`, oldest first.
    func revisions(in states: [AcknowledgementState]) async throws -> [Outstanding] {
        try await store.read { db in
            try GRDB.Row.fetchAll(
                db, sql: "SELECT * FROM revisions WHERE ack_state IN (\(states.map { _ in "?" }.joined(separator: ","))) ORDER BY received_ns, curtailment_id, version",
                arguments: StatementArguments(states.map(\.rawValue))
            ).map { row in
                Outstanding(order: Self.order(row), account: row["account"], state: AcknowledgementState(rawValue: row["ack_state"]) ?? .uncertain, attempts: row["ack_attempts"])
            }
        }
    }

    /// The revisions of `contract` whose window ends at or after `time`, by start, then version.
    func rows(of contract: String, endingFrom time: EventTime) async throws -> [Row] {
        try await store.read { db in
            try GRDB.Row.fetchAll(
                db, sql: "SELECT * FROM revisions WHERE contract_id = ? AND end_ns >= ? ORDER BY start_ns, curtailment_id, version",
                arguments: [contract, time.nanosecondsSinceEpoch]
            ).map { row in
                Row(
                    order: Self.order(row), state: AcknowledgementState(rawValue: row["ack_state"]) ?? .uncertain,
                    attempts: row["ack_attempts"], detail: row["ack_detail"],
                    acknowledged: (row["acknowledged_ns"] as Int64?).map(EventTime.init(nanosecondsSinceEpoch:))
                )
            }
        }
    }

    /// Records that an acknowledgement of `key` is being sent: from now until its answer is
    /// recorded, the revision is `sending` (uncertain if the process dies meanwhile).
    func beginAttempt(_ key: OrderKey, at time: EventTime) async throws {
        try await store.write { db in
            try db.execute(
                sql: "UPDATE revisions SET ack_state = 'sending', ack_attempts = ack_attempts + 1 WHERE curtailment_id = ? AND version = ?",
                arguments: [key.curtailmentID, key.version]
            )
            try Self.appendAttempt(db, key, step: "sent", status: nil, detail: "", at: time)
        }
    }

    /// Records what became of `key`'s acknowledgement (an answer, a failure, a reconciliation)
    /// and its new state.
    func settle(_ key: OrderKey, state: AcknowledgementState, step: String, status: Int?, detail: String, at time: EventTime) async throws {
        try await store.write { db in
            try db.execute(
                sql: """
                    UPDATE revisions SET ack_state = ?, ack_detail = ?,
                        acknowledged_ns = CASE WHEN ? = 'acknowledged' THEN ? ELSE acknowledged_ns END
                    WHERE curtailment_id = ? AND version = ?
                    """,
                arguments: [state.rawValue, detail, state.rawValue, time.nanosecondsSinceEpoch, key.curtailmentID, key.version]
            )
            try Self.appendAttempt(db, key, step: step, status: status, detail: detail, at: time)
        }
    }

    /// Marks the revisions of `curtailment` below `version` still waiting for the plant as
    /// superseded: they will never be executed as such.
    func supersede(_ curtailment: String, below version: Int64, at time: EventTime) async throws {
        try await store.write { db in
            let keys = try Int64.fetchAll(
                db, sql: "SELECT version FROM revisions WHERE curtailment_id = ? AND version < ? AND ack_state = 'waiting'",
                arguments: [curtailment, version]
            )
            for old in keys {
                try db.execute(sql: "UPDATE revisions SET ack_state = 'superseded' WHERE curtailment_id = ? AND version = ?", arguments: [curtailment, old])
                try Self.appendAttempt(db, OrderKey(curtailmentID: curtailment, version: old), step: "superseded", status: nil,
                                       detail: "version \(version) came before the plant confirmed", at: time)
            }
        }
    }

    /// Makes the revisions waiting for the plant among `keys` ready to be acknowledged.
    func release(_ keys: [OrderKey], at time: EventTime) async throws {
        try await store.write { db in
            for key in keys {
                try db.execute(
                    sql: "UPDATE revisions SET ack_state = 'pending' WHERE curtailment_id = ? AND version = ? AND ack_state = 'waiting'",
                    arguments: [key.curtailmentID, key.version]
                )
                if db.changesCount == 1 {
                    try Self.appendAttempt(db, key, step: "plant_confirmed", status: nil, detail: "", at: time)
                }
            }
        }
    }

    /// Records a command sent to a contract's plant target.
    func recordCommand(id: String, contract: String, target: String, action: String, period: Range<EventTime>?, at time: EventTime) async throws {
        try await store.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO plant_commands (command_id, target, contract_id, action, valid_from_ns, valid_until_ns, sent_ns)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [id, target, contract, action, period?.lowerBound.nanosecondsSinceEpoch, period?.upperBound.nanosecondsSinceEpoch, time.nanosecondsSinceEpoch]
            )
        }
    }

    /// Records a plant's answer to a command; false when no such command was sent to `target`.
    @discardableResult
    func recordCommandAck(id: String, target: String, outcome: String, at time: EventTime) async throws -> Bool {
        try await store.write { db in
            try db.execute(
                sql: "UPDATE plant_commands SET ack_outcome = ?, ack_ns = ? WHERE command_id = ? AND target = ?",
                arguments: [outcome, time.nanosecondsSinceEpoch, id, target]
            )
            return db.changesCount == 1
        }
    }

    /// The last command sent to each contract's plant.
    func lastCommands() async throws -> [String: Command] {
        try await store.read { db in
            var commands: [String: Command] = [:]
            for row in try GRDB.Row.fetchAll(db, sql: "SELECT * FROM plant_commands ORDER BY sent_ns, rowid") {
                commands[row["contract_id"]] = Command(
                    id: row["command_id"], action: row["action"],
                    validUntil: (row["valid_until_ns"] as Int64?).map(EventTime.init(nanosecondsSinceEpoch:))
                )
            }
            return commands
        }
    }

    /// The answer of each target of command `id`; nil for a target that has not answered.
    func answers(to id: String) async throws -> [String: String?] {
        try await store.read { db in
            var answers: [String: String?] = [:]
            for row in try GRDB.Row.fetchAll(db, sql: "SELECT target, ack_outcome FROM plant_commands WHERE command_id = ?", arguments: [id]) {
                answers[row["target"] as String] = .some(row["ack_outcome"] as String?)
            }
            return answers
        }
    }

    /// The last schedule published for `contract`: its revision and fingerprint.
    func schedule(of contract: String) async throws -> (revision: UInt32, fingerprint: String)? {
        try await store.read { db in
            try GRDB.Row.fetchOne(db, sql: "SELECT revision, fingerprint FROM schedules WHERE contract_id = ?", arguments: [contract])
                .map { (UInt32(clamping: $0["revision"] as Int64), $0["fingerprint"]) }
        }
    }

    /// Records the schedule published for `contract`.
    func recordSchedule(of contract: String, revision: UInt32, fingerprint: String, at time: EventTime) async throws {
        try await store.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO schedules (contract_id, revision, fingerprint, published_ns) VALUES (?, ?, ?, ?)",
                arguments: [contract, Int64(revision), fingerprint, time.nanosecondsSinceEpoch]
            )
        }
    }

    private static func appendAttempt(_ db: Database, _ key: OrderKey, step: String, status: Int?, detail: String, at time: EventTime) throws {
        try db.execute(
            sql: "INSERT INTO ack_attempts (curtailment_id, version, time_ns, step, status, detail) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [key.curtailmentID, key.version, time.nanosecondsSinceEpoch, step, status, detail]
        )
    }

    private static func order(_ row: GRDB.Row) -> CurtailmentOrder {
        CurtailmentOrder(
            curtailmentID: row["curtailment_id"], contractID: row["contract_id"],
            start: EventTime(nanosecondsSinceEpoch: row["start_ns"]), end: EventTime(nanosecondsSinceEpoch: row["end_ns"]),
            stop: row["stop"], version: row["version"], status: CurtailmentOrder.Status(rawValue: row["status"]) ?? .active
        )
    }

    private static let migrations: [SQLiteStore.Migration] = [
        .init("smartoa.v1", sql: """
            CREATE TABLE revisions (
                curtailment_id TEXT NOT NULL, version INTEGER NOT NULL, contract_id TEXT NOT NULL, account TEXT NOT NULL,
                start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, stop INTEGER NOT NULL, status TEXT NOT NULL,
                body BLOB NOT NULL, body_sha256 TEXT NOT NULL, received_ns INTEGER NOT NULL,
                ack_state TEXT NOT NULL, ack_attempts INTEGER NOT NULL DEFAULT 0, ack_detail TEXT NOT NULL DEFAULT '',
                acknowledged_ns INTEGER,
                PRIMARY KEY (curtailment_id, version));
            CREATE INDEX revisions_ack_state ON revisions (ack_state);
            CREATE INDEX revisions_contract ON revisions (contract_id, end_ns);
            CREATE TABLE ack_attempts (
                id INTEGER PRIMARY KEY AUTOINCREMENT, curtailment_id TEXT NOT NULL, version INTEGER NOT NULL,
                time_ns INTEGER NOT NULL, step TEXT NOT NULL, status INTEGER, detail TEXT NOT NULL);
            CREATE TABLE plant_commands (
                command_id TEXT NOT NULL, target TEXT NOT NULL, contract_id TEXT NOT NULL, action TEXT NOT NULL,
                valid_from_ns INTEGER, valid_until_ns INTEGER, sent_ns INTEGER NOT NULL, ack_outcome TEXT, ack_ns INTEGER,
                PRIMARY KEY (command_id, target));
            CREATE TABLE schedules (
                contract_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, fingerprint TEXT NOT NULL, published_ns INTEGER NOT NULL);
            """)
    ]
}

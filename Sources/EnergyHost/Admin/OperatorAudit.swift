public import AdapterKit
import AdapterKitStorage
import Foundation
import GRDB

/// One attempt at an operator's command, accepted or refused: who, what, when, and how it ended.
public struct OperatorAuditEntry: Codable, Sendable, Hashable {
    /// When the attempt was answered (RFC 3339, UTC).
    public var time: String
    /// The authenticated operator; empty when the token was missing or refused.
    public var operatorName: String
    /// The target: site and adapter ids from the URL.
    public var site: String
    public var adapter: String
    /// The command as asked (empty when the body could not be read).
    public var action: String
    public var reference: String
    public var reason: String
    /// The id the host gave the command; empty when it was never sent.
    public var commandId: String
    /// How it ended: the adapter's `accepted`, `executed`, `rejected` or `failed`; `no_ack`;
    /// or a refusal by the host: `unauthenticated`, `commands_disabled`, `unknown_adapter`,
    /// `bad_request`, `missing_reference`, `bus_refused`.
    public var outcome: String
    /// The HTTP status answered.
    public var httpStatus: Int
    /// The adapter's detail, or why the host refused.
    public var detail: String
}

/// The host's append-only record of operators' commands: every attempt through the admin API,
/// accepted or refused, in an SQLite file (`{data_dir}/_host/operator-audit.sqlite`) whose rows
/// cannot be changed or deleted (triggers refuse it).
public final class OperatorAudit: Sendable {
    private let store: SQLiteStore

    /// The audit's file under the host's data directory (`_host` cannot be a site id).
    public static func path(dataDirectory: String) -> String {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("_host").appendingPathComponent("operator-audit.sqlite").path
    }

    /// Opens (or creates) the audit at `path`, creating its directory.
    public init(path: String) throws {
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        store = try SQLiteStore(path: path, migrations: [
            .init("v1", sql: """
                CREATE TABLE commands (
                    id INTEGER PRIMARY KEY, time_ns INTEGER NOT NULL, time TEXT NOT NULL, operator TEXT NOT NULL,
                    site TEXT NOT NULL, adapter TEXT NOT NULL, action TEXT NOT NULL, reference TEXT NOT NULL,
                    reason TEXT NOT NULL, command_id TEXT NOT NULL, outcome TEXT NOT NULL, http_status INTEGER NOT NULL,
                    detail TEXT NOT NULL);
                CREATE TRIGGER commands_append_only_update BEFORE UPDATE ON commands
                    BEGIN SELECT RAISE(ABORT, 'the operator audit is append-only'); END;
                CREATE TRIGGER commands_append_only_delete BEFORE DELETE ON commands
                    BEGIN SELECT RAISE(ABORT, 'the operator audit is append-only'); END;
                """)
        ])
    }

    /// Appends `entry`, stamped `time`.
    public func record(_ entry: OperatorAuditEntry, at time: EventTime) async throws {
        var entry = entry
        entry.time = time.description
        try await store.write { [entry] db in
            try db.execute(
                sql: """
                    INSERT INTO commands (time_ns, time, operator, site, adapter, action, reference, reason, command_id, outcome, http_status, detail)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [time.nanosecondsSinceEpoch, entry.time, entry.operatorName, entry.site, entry.adapter, entry.action, entry.reference,
                            entry.reason, entry.commandId, entry.outcome, entry.httpStatus, entry.detail]
            )
        }
    }

    /// The latest `limit` entries, oldest first.
    public func entries(limit: Int = 100) async throws -> [OperatorAuditEntry] {
        try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM (SELECT * FROM commands ORDER BY id DESC LIMIT ?) ORDER BY id", arguments: [limit]).map { row in
                OperatorAuditEntry(
                    time: row["time"], operatorName: row["operator"], site: row["site"], adapter: row["adapter"], action: row["action"],
                    reference: row["reference"], reason: row["reason"], commandId: row["command_id"], outcome: row["outcome"],
                    httpStatus: row["http_status"], detail: row["detail"]
                )
            }
        }
    }
}

public import AdapterKit
import AdapterKitStorage
import Foundation
import GRDB

/// What the simulator received: an SQLite database of the valid reports, in arrival order.
public final class RTEReportStore: Sendable {
    /// A stored report and when it arrived.
    public struct Entry: Sendable, Hashable {
        public var received: EventTime
        public var report: RTEReport
    }

    private let database: SQLiteStore

    /// Opens (or creates) the store at `path`.
    public init(path: String) throws {
        database = try SQLiteStore(path: path, migrations: [
            .init("v1", sql: """
                CREATE TABLE reports (
                    id INTEGER PRIMARY KEY, received_ns INTEGER NOT NULL, received TEXT NOT NULL,
                    client_id TEXT NOT NULL, timestamp TEXT NOT NULL, power REAL NOT NULL,
                    state INTEGER NOT NULL, available INTEGER NOT NULL, frequency REAL)
                """)
        ])
    }

    /// Stores `report`, received at `time`.
    public func insert(_ report: RTEReport, receivedAt time: EventTime) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO reports (received_ns, received, client_id, timestamp, power, state, available, frequency) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [time.nanosecondsSinceEpoch, time.description, report.id, report.timestamp, report.power, report.state, report.available, report.frequency]
            )
        }
    }

    /// Every stored report, oldest first.
    public func entries() throws -> [Entry] {
        try database.readNow { db in
            try Row.fetchAll(db, sql: "SELECT * FROM reports ORDER BY id").map { row in
                Entry(
                    received: EventTime(nanosecondsSinceEpoch: row["received_ns"]),
                    report: RTEReport(id: row["client_id"], timestamp: row["timestamp"], power: row["power"], state: row["state"],
                                      available: row["available"], frequency: row["frequency"])
                )
            }
        }
    }
}

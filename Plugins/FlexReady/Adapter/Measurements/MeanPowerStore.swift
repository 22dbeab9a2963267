import AdapterKit
import AdapterKitStorage
import GRDB

/// The assets' quarter-hour and hourly mean power in SQLite, kept five years (the référentiel's
/// EMS requirement): what realiseFlexRequest, getBACSAssetsHisto and getBACSAssetsConsos read.
package struct MeanPowerStore: Sendable {
    /// How long means are kept: five years.
    static let retentionSeconds: Int64 = 5 * 366 * 86_400

    private let store: SQLiteStore

    package init(path: String) throws {
        store = try SQLiteStore(path: path, migrations: Self.migrations)
    }

    /// Stores `steps` of `stepSeconds` for the asset (a step stored again is replaced).
    package func save(_ steps: [MeanPowerSeries.Step], bacsID: String, assetID: String, stepSeconds: Int64) async throws {
        guard !steps.isEmpty else { return }
        try await store.write { db in
            for step in steps {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO means (bacs_id, asset_id, step_s, start_s, watts) VALUES (?, ?, ?, ?, ?)",
                    arguments: [bacsID, assetID, stepSeconds, step.start.secondsSinceEpoch, step.watts]
                )
            }
        }
    }

    /// The asset's steps of `stepSeconds` starting in `from ..< to`, oldest first.
    func steps(bacsID: String, assetID: String, stepSeconds: Int64, from: FlexTime, to: FlexTime) async throws -> [MeanPowerSeries.Step] {
        try await store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT start_s, watts FROM means WHERE bacs_id = ? AND asset_id = ? AND step_s = ? AND start_s >= ? AND start_s < ?
                ORDER BY start_s
                """, arguments: [bacsID, assetID, stepSeconds, from.secondsSinceEpoch, to.secondsSinceEpoch])
                .map { MeanPowerSeries.Step(start: FlexTime(secondsSinceEpoch: $0["start_s"]), watts: $0["watts"]) }
        }
    }

    /// Forgets the means that started before `time`.
    func prune(before time: FlexTime) async throws {
        try await store.write { db in try db.execute(sql: "DELETE FROM means WHERE start_s < ?", arguments: [time.secondsSinceEpoch]) }
    }

    private static let migrations: [SQLiteStore.Migration] = [
        .init("flexready.means.v1", sql: """
            CREATE TABLE means (
                bacs_id TEXT NOT NULL, asset_id TEXT NOT NULL, step_s INTEGER NOT NULL, start_s INTEGER NOT NULL, watts REAL NOT NULL,
                PRIMARY KEY (bacs_id, asset_id, step_s, start_s));
            """),
    ]
}

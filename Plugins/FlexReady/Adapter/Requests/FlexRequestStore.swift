import AdapterKit
import AdapterKitStorage
import GRDB

/// The BACS's requests in its SQLite database: each request with its canonical body and its
/// answer, stored before the answer leaves (durable before answered), and its confirmation.
/// ``load()`` gives the book back after a restart.
package struct FlexRequestStore: Sendable {
    private let store: SQLiteStore

    /// Opens (or creates) the store at `path`.
    package init(path: String) throws {
        store = try SQLiteStore(path: path, migrations: Self.migrations)
    }

    /// Every stored request, as the book holds them.
    package func load() async throws -> [FlexRequestBook.Entry] {
        try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT bacs_id, asset_id, body, decision, answered_s, confirmed_s FROM requests ORDER BY answered_s, rowid")
                .compactMap { row -> FlexRequestBook.Entry? in
                    let bodyText: String = row["body"], decisionText: String = row["decision"]
                    guard let body = try? FlexRequestBody.read(Array(bodyText.utf8), withRequestID: true),
                        let decisionJSON = try? JSONValue.parse(decisionText),
                        let decision = FlexRequestEvaluator.Decision(json: decisionJSON)
                    else { return nil }
                    let confirmed: Int64? = row["confirmed_s"]
                    return FlexRequestBook.Entry(
                        bacsID: row["bacs_id"], assetID: row["asset_id"], body: body, decision: decision,
                        answeredAt: FlexTime(secondsSinceEpoch: row["answered_s"]), confirmedAt: confirmed.map(FlexTime.init(secondsSinceEpoch:))
                    )
                }
        }
    }

    /// Stores a new request and its answer, or a request's confirmation.
    package func save(_ entry: FlexRequestBook.Entry) async throws {
        try await save([entry])
    }

    /// Stores `entries` in one transaction: all of them, or none.
    package func save(_ entries: [FlexRequestBook.Entry]) async throws {
        let rows = entries.map { entry -> StatementArguments in
            [entry.bacsID, entry.requestID, entry.assetID, entry.body.json.jsonText, JSONValue.object(entry.decision.json).jsonText,
             entry.answeredAt.secondsSinceEpoch, entry.confirmedAt?.secondsSinceEpoch]
        }
        try await store.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO requests (bacs_id, request_id, asset_id, body, decision, answered_s, confirmed_s) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (bacs_id, request_id) DO UPDATE SET confirmed_s = excluded.confirmed_s
                """)
            for arguments in rows { try statement.execute(arguments: arguments) }
        }
    }

    private static let migrations: [SQLiteStore.Migration] = [
        .init("flexready.v1", sql: """
            CREATE TABLE requests (
                bacs_id TEXT NOT NULL, request_id TEXT NOT NULL, asset_id TEXT NOT NULL, body TEXT NOT NULL,
                decision TEXT NOT NULL, answered_s INTEGER NOT NULL, confirmed_s INTEGER,
                PRIMARY KEY (bacs_id, request_id));
            """),
    ]
}

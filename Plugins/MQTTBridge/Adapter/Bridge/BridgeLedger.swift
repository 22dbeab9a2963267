import AdapterKit
import AdapterKitStorage
import Foundation
import GRDB

/// The bridge's SQLite file (`bridge.sqlite` in the instance's data directory): the outbox of
/// lossless messages not yet acknowledged by the broker, the outbox's generation (`epoch`), and
/// the last lossless message received from each other bridge (to drop duplicates).
struct BridgeLedger: Sendable {
    let outbox: Outbox
    /// This database's generation, made once when it is created: receivers key their duplicate
    /// check on it, so a new database (outbox ids from 1 again) is not taken for duplicates.
    let epoch: String
    private let store: SQLiteStore

    static let migrations: [SQLiteStore.Migration] = Outbox.migrations() + [
        .init("bridge.v1", sql: """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE received (origin TEXT NOT NULL, epoch TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (origin, epoch));
            """)
    ]

    /// Opens (or creates) the ledger at `path`.
    init(path: String) throws {
        store = try SQLiteStore(path: path, migrations: Self.migrations)
        outbox = Outbox(store: store)
        epoch = try store.writeNow { db in
            if let epoch = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'epoch'") { return epoch }
            let epoch = UUID().uuidString.lowercased()
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('epoch', ?)", arguments: [epoch])
            return epoch
        }
    }

    /// How many items the outbox holds.
    func pendingCount() throws -> Int {
        try store.readNow { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0 }
    }

    /// The last sequence received from each (origin, epoch).
    func received() throws -> [ReceivedKey: Int64] {
        try store.readNow { db in
            var result: [ReceivedKey: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT origin, epoch, seq FROM received") {
                result[ReceivedKey(origin: row["origin"], epoch: row["epoch"])] = row["seq"]
            }
            return result
        }
    }

    /// Records the last sequences received.
    func saveReceived(_ marks: [ReceivedKey: Int64]) async throws {
        guard !marks.isEmpty else { return }
        try await store.write { db in
            let statement = try db.makeStatement(sql: "INSERT INTO received (origin, epoch, seq) VALUES (?, ?, ?) ON CONFLICT (origin, epoch) DO UPDATE SET seq = MAX(seq, excluded.seq)")
            for (key, seq) in marks { try statement.execute(arguments: [key.origin, key.epoch, seq]) }
        }
    }
}

/// Who sent a lossless message: a bridge and its outbox generation.
struct ReceivedKey: Sendable, Hashable {
    var origin: String
    var epoch: String
}

/// How an outgoing lossless message sits in the outbox: `kind` is its route, QoS, retain flag and
/// broker topic; the payload is the message's body before its sequence (``BridgeMessage``).
struct OutboxEntry: Sendable, Hashable {
    var message: OutgoingMessage
    var body: [UInt8]

    var kind: String { "\(message.route) \(message.qos) \(message.retain ? 1 : 0) \(message.topic)" }

    init(message: OutgoingMessage, body: [UInt8]) {
        self.message = message
        self.body = body
    }

    /// Reads an entry back; nil when its `kind` is not this form.
    init?(kind: String, payload: [UInt8]) {
        let parts = kind.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, let qos = Int32(parts[1]), let retain = Int(parts[2]) else { return nil }
        message = OutgoingMessage(route: String(parts[0]), topic: String(parts[3]), qos: qos, retain: retain == 1, lossless: true)
        body = payload
    }
}

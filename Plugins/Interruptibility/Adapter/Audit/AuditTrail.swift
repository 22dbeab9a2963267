public import AdapterKit
import AdapterKitStorage
import Foundation
import GRDB

/// The adapter's audit trail: an SQLite database (WAL) of append-only tables, kept in the
/// instance's data directory. It holds every trip with the samples that caused it, every restore
/// with who, when and the grid operator's reference, and a log of what was sent and noticed.
///
/// - `trips(id, time_ns, time, threshold_mhz, points)`
/// - `trip_samples(trip_id, point, time_ns, time, frequency_mhz)`
/// - `restores(trip_id, time_ns, time, operator, reference, reason, command_id)`
/// - `log(id, time_ns, time, kind, trip_id, detail)`: `trip`, `shed_sent`, `restore`,
///   `restore_sent`, `resumed`, `gap`, `report_rejected`…
///
/// A trip without a restore is held: after a restart, ``heldTrip()`` gives it back.
public final class AuditTrail: Sendable {
    private let database: SQLiteStore

    /// Opens (or creates) the trail at `path`.
    public init(path: String) throws {
        database = try SQLiteStore(path: path, migrations: [Self.schema])
    }

    /// The tables, as the first version of the trail created them.
    private static let schema = SQLiteStore.Migration("v1", sql: """
                CREATE TABLE trips (
                    id INTEGER PRIMARY KEY, time_ns INTEGER NOT NULL, time TEXT NOT NULL,
                    threshold_mhz INTEGER NOT NULL, points TEXT NOT NULL);
                CREATE TABLE trip_samples (
                    trip_id INTEGER NOT NULL REFERENCES trips(id), point TEXT NOT NULL,
                    time_ns INTEGER NOT NULL, time TEXT NOT NULL, frequency_mhz INTEGER NOT NULL);
                CREATE TABLE restores (
                    trip_id INTEGER NOT NULL UNIQUE REFERENCES trips(id), time_ns INTEGER NOT NULL, time TEXT NOT NULL,
                    operator TEXT NOT NULL, reference TEXT NOT NULL, reason TEXT NOT NULL, command_id TEXT NOT NULL);
                CREATE TABLE log (
                    id INTEGER PRIMARY KEY, time_ns INTEGER NOT NULL, time TEXT NOT NULL, kind TEXT NOT NULL,
                    trip_id INTEGER REFERENCES trips(id), detail TEXT NOT NULL);
                """)

    /// Records `trip` and its samples; returns its id. Blocks the caller (see ``SQLiteStore/writeNow(_:)``).
    public func recordNow(_ trip: FrequencyTrigger.Trip) throws -> Int64 {
        try database.writeNow { db in
            let time = EventTime(sinceEpoch: trip.time)
            try db.execute(
                sql: "INSERT INTO trips (time_ns, time, threshold_mhz, points) VALUES (?, ?, ?, ?)",
                arguments: [time.nanosecondsSinceEpoch, time.description, trip.threshold.value, trip.points.joined(separator: ",")]
            )
            let id = db.lastInsertedRowID
            for sample in trip.samples {
                let sampleTime = EventTime(sinceEpoch: sample.time)
                try db.execute(
                    sql: "INSERT INTO trip_samples (trip_id, point, time_ns, time, frequency_mhz) VALUES (?, ?, ?, ?, ?)",
                    arguments: [id, sample.point, sampleTime.nanosecondsSinceEpoch, sampleTime.description, sample.frequency.value]
                )
            }
            try Self.append(db, kind: "trip", tripID: id, detail: "below \(trip.threshold) at \(trip.points.joined(separator: ", "))", at: time)
            return id
        }
    }

    /// Records the authorised restore of trip `tripID`. Blocks the caller (see ``SQLiteStore/writeNow(_:)``).
    public func recordRestoreNow(of tripID: Int64, by operatorName: String, reference: String, reason: String, commandID: String, at time: EventTime) throws {
        try database.writeNow { db in
            try db.execute(
                sql: "INSERT INTO restores (trip_id, time_ns, time, operator, reference, reason, command_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [tripID, time.nanosecondsSinceEpoch, time.description, operatorName, reference, reason, commandID]
            )
            try Self.append(db, kind: "restore", tripID: tripID, detail: "authorised by \(operatorName), reference \(reference)", at: time)
        }
    }

    /// Appends a line to the log.
    public func log(_ kind: String, tripID: Int64? = nil, detail: String, at time: EventTime) async throws {
        try await database.write { db in try Self.append(db, kind: kind, tripID: tripID, detail: detail, at: time) }
    }

    /// The trip that has no restore yet, if any (the site is still shed).
    public func heldTrip() throws -> (id: Int64, trip: FrequencyTrigger.Trip)? {
        try database.readNow { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id, time_ns, threshold_mhz, points FROM trips
                WHERE id NOT IN (SELECT trip_id FROM restores) ORDER BY id DESC LIMIT 1
                """)
            else { return nil }
            let id: Int64 = row["id"]
            let samples = try Row.fetchAll(db, sql: "SELECT point, time_ns, frequency_mhz FROM trip_samples WHERE trip_id = ? ORDER BY time_ns", arguments: [id])
                .map { FrequencySample(point: $0["point"], time: .nanoseconds($0["time_ns"] as Int64), frequency: Millihertz($0["frequency_mhz"])) }
            let points: String = row["points"]
            let trip = FrequencyTrigger.Trip(
                time: .nanoseconds(row["time_ns"] as Int64), threshold: Millihertz(row["threshold_mhz"]),
                points: points.split(separator: ",").map(String.init), samples: samples
            )
            return (id, trip)
        }
    }

    /// The log, oldest first: `(time, kind, trip id, detail)`.
    public func entries() throws -> [(time: String, kind: String, tripID: Int64?, detail: String)] {
        try database.readNow { db in
            try Row.fetchAll(db, sql: "SELECT time, kind, trip_id, detail FROM log ORDER BY id").map { ($0["time"], $0["kind"], $0["trip_id"], $0["detail"]) }
        }
    }

    private static func append(_ db: Database, kind: String, tripID: Int64?, detail: String, at time: EventTime) throws {
        try db.execute(
            sql: "INSERT INTO log (time_ns, time, kind, trip_id, detail) VALUES (?, ?, ?, ?, ?)",
            arguments: [time.nanosecondsSinceEpoch, time.description, kind, tripID, detail]
        )
    }
}

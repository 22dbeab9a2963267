public import GRDB

/// An adapter's SQLite database: one file in WAL mode (readers never wait for the writer), its
/// schema brought up to date by named migrations when opened, writes serialized by SQLite's single
/// writer connection.
///
/// ```swift
/// let store = try SQLiteStore(path: context.dataDirectory + "/state.sqlite", migrations: [
///     .init("v1", sql: "CREATE TABLE orders (id TEXT PRIMARY KEY, body BLOB NOT NULL)"),
/// ])
/// try await store.write { db in try db.execute(sql: "INSERT INTO orders VALUES (?, ?)", arguments: [id, body]) }
/// ```
///
/// GRDB is the toolkit: `write` and `read` hand out its `Database`, and ``IdempotencyLedger`` and
/// ``Outbox`` are built on the same store.
public final class SQLiteStore: Sendable {
    /// A named change of the schema, applied once, in order, the first time a store opens without it.
    public struct Migration: Sendable {
        /// The name recorded once applied; never rename or reorder an applied migration.
        public var name: String
        /// Applies the change.
        public var apply: @Sendable (Database) throws -> Void

        /// A migration that runs `apply`.
        public init(_ name: String, apply: @escaping @Sendable (Database) throws -> Void) {
            self.name = name
            self.apply = apply
        }

        /// A migration that executes `sql` (several statements allowed).
        public init(_ name: String, sql: String) {
            self.init(name) { db in try db.execute(sql: sql) }
        }
    }

    /// The database file.
    public let path: String
    private let pool: DatabasePool

    /// Opens (or creates) the database at `path` in WAL mode and applies the `migrations` it has
    /// not seen yet. Blocks on a database another connection holds for at most `busyTimeout`.
    public init(path: String, migrations: [Migration], busyTimeout: Duration = .seconds(5)) throws {
        self.path = path
        var configuration = Configuration()
        let (seconds, attoseconds) = busyTimeout.components
        configuration.busyMode = .timeout(Double(seconds) + Double(attoseconds) / 1e18)
        pool = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.name, migrate: migration.apply)
        }
        try migrator.migrate(pool)
    }

    /// Runs `body` in a write transaction, after the writes already queued; committed when it
    /// returns, rolled back when it throws.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.write(body)
    }

    /// Runs `body` on a snapshot of the database (concurrently with writes).
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }

    /// Runs `body` on a snapshot of the database, blocking the caller: for start-up and tools,
    /// never on the cooperative thread pool's hot paths.
    public func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    /// Runs `body` in a write transaction, blocking the caller until it is committed (or rolled
    /// back when it throws): for a thread or dispatch queue of its own, where a write must not
    /// depend on the cooperative thread pool being free (a safety path), never on the pool itself.
    public func writeNow<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.write(body)
    }
}

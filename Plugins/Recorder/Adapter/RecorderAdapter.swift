public import AdapterKit
import Foundation
import ServiceLifecycle

/// Writes every delivered event to a JSON Lines file (docs/events.md's JSON form, one per line),
/// rotating it by size. Which events arrive is the instance's subscriptions (`subscribe` in
/// adapters.json; by default everything of its site).
///
/// Each delivered batch is written with one `write(2)`, so the file is complete after every batch;
/// shutdown adds an `fsync`.
public struct RecorderAdapter: Adapter {
    /// The instance's configuration, decoded from its `config` object in adapters.json. Defaults
    /// and ranges are the schema's (``description``), filled in before decoding.
    public struct Configuration: Decodable, Sendable {
        /// Output file; relative paths are inside the instance's data directory.
        public var path: String
        /// Rotate when the file would grow beyond this size.
        public var maxBytes: Int
        /// Rotated files kept (`events.jsonl.1` is the newest).
        public var keep: Int
        /// `fsync` after every batch (durable, slower).
        public var fsyncEachBatch: Bool
    }

    /// Declares the `Recorder` type, its configuration schema and its default subscription to `sites/{site}/#`.
    public static let description = AdapterDescription(
        typeName: "Recorder",
        version: "1.0.0",
        summary: "Writes every event it receives to a JSON Lines file, rotated by size.",
        configurationSchema: .object([
            "path": .string(description: "Output file, relative to the instance's data directory.", default: "events.jsonl", minLength: 1),
            "max_bytes": .integer(description: "Rotate above this size.", minimum: 1024, default: 10 * 1024 * 1024),
            "keep": .integer(description: "Rotated files kept.", minimum: 0, maximum: 1000, default: 5),
            "fsync_each_batch": .boolean(description: "fsync after every batch.", default: false),
        ]),
        subscriptions: [.init(topic: "sites/{site}/#")]
    )

    private let writer: RotatingFileWriter
    private let context: AdapterContext
    private let fsyncEachBatch: Bool

    /// Refuses an output path that cannot be written: under a file, or in a directory (or the
    /// nearest existing parent of one to create) that is not writable.
    public static func validate(_ configuration: Configuration, in environment: ValidationEnvironment) -> [ConfigurationIssue] {
        let path = outputPath(configuration.path, dataDirectory: environment.dataDirectory)
        var existing = path
        while !FileManager.default.fileExists(atPath: existing), existing != "/" {
            existing = URL(fileURLWithPath: existing).deletingLastPathComponent().path
        }
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: existing, isDirectory: &isDirectory)
        if existing == path {
            if isDirectory.boolValue { return [ConfigurationIssue("path", "\(path) is a directory, not a file")] }
            guard access(path, W_OK) == 0 else {
                return [ConfigurationIssue("path", "cannot write \(path): \(String(cString: strerror(errno)))")]
            }
            return []
        }
        guard isDirectory.boolValue else {
            return [ConfigurationIssue("path", "cannot create \(path): \(existing) is not a directory")]
        }
        guard access(existing, W_OK | X_OK) == 0 else {
            return [ConfigurationIssue("path", "cannot create \(path): \(existing) is not writable (\(String(cString: strerror(errno))))")]
        }
        return []
    }

    /// `path` made absolute: relative paths are inside the instance's data directory.
    private static func outputPath(_ path: String, dataDirectory: String) -> String {
        path.hasPrefix("/") ? path : dataDirectory + "/" + path
    }

    /// Opens the output file for appending, creating its directory; refuses a file that cannot be opened.
    public init(configuration: Configuration, context: AdapterContext) throws {
        let path = Self.outputPath(configuration.path, dataDirectory: context.dataDirectory)
        self.writer = try RotatingFileWriter(path: path, maxBytes: configuration.maxBytes, keep: configuration.keep)
        self.context = context
        self.fsyncEachBatch = configuration.fsyncEachBatch
    }

    /// Logs the output path, waits for graceful shutdown, then flushes the file to storage.
    public func run() async throws {
        context.logger.info("recording", metadata: ["recorder.path": "\(writer.path)"])
        try? await gracefulShutdown()
        try writer.sync()
    }

    /// Appends the batch as JSON lines with one write, rotating first when needed; syncs if `fsyncEachBatch`.
    public func handle(batch events: [Event]) async throws {
        var text = ""
        for event in events {
            text += event.jsonLine()
            text += "\n"
        }
        try writer.write(Array(text.utf8))
        if fsyncEachBatch { try writer.sync() }
    }
}

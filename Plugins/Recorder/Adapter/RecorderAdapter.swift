public import AdapterKit
import Foundation
import ServiceLifecycle
import Synchronization

/// Writes every delivered event to a JSON Lines file (docs/events.md's JSON form, one per line),
/// rotating it by size. Which events arrive is the instance's subscriptions (`subscribe` in
/// adapters.json; by default everything of its site).
///
/// Each delivered batch is written with one `write(2)`, so the file is complete after every batch;
/// shutdown adds an `fsync`. A batch that cannot be written (a full disk) is undone, so the file
/// only ever holds whole lines; the failure raises the `write_failed` alarm, reports the instance
/// degraded and counts the lost events, and every next batch tries again.
public final class RecorderAdapter: Adapter {
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
        publishes: [.init(stream: "alarms", kind: .alarm)],
        subscriptions: [.init(topic: "sites/{site}/#")]
    )

    private let writer: RotatingFileWriter
    private let context: AdapterContext
    private let fsyncEachBatch: Bool
    private let health = Mutex(WriteHealth())
    private let clock = ContinuousClock()
    private let started = ContinuousClock.now

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
    public required init(configuration: Configuration, context: AdapterContext) throws {
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

    /// Appends the batch as JSON lines with one write, rotating first when needed; syncs if
    /// `fsyncEachBatch`. A failure is reported (alarm, degraded, metrics, rate-limited log), not
    /// thrown: the next batch tries again.
    public func handle(batch events: [Event]) async throws {
        var text = ""
        for event in events {
            text += event.jsonLine()
            text += "\n"
        }
        let now = started.duration(to: clock.now)
        do {
            try writer.write(Array(text.utf8))
            if fsyncEachBatch { try writer.sync() }
            context.increment(counter: "recorder_events_written_total", by: Double(events.count))
            if let action = health.withLock({ $0.succeeded(now: now) }) { await perform(action) }
        } catch {
            context.increment(counter: "recorder_events_lost_total", by: Double(events.count))
            let reason = (error as? AdapterError)?.message ?? "\(error)"
            if let action = health.withLock({ $0.failed(events: events.count, error: reason, now: now) }) { await perform(action) }
        }
    }

    private func perform(_ action: WriteHealth.Action) async {
        switch action {
        case .startFailing(let message):
            context.logger.error("recording failed", metadata: ["error": "\(message)"])
            context.report(degraded: true)
            context.record(gauge: "recorder_writing", 0)
            await publishAlarm(EnergyAlarm(code: Self.writeFailedAlarm, severity: .critical, message: message, active: true))
        case .stillFailing(let message):
            context.logger.error("recording still failing", metadata: ["error": "\(message)"])
        case .recovered(let message):
            context.logger.notice("recording again", metadata: ["detail": "\(message)"])
            context.report(degraded: false)
            context.record(gauge: "recorder_writing", 1)
            await publishAlarm(EnergyAlarm(code: Self.writeFailedAlarm, severity: .info, message: message, active: false))
        }
    }

    /// Publishes an alarm without letting a refusal (the host shutting down) fail the batch.
    private func publishAlarm(_ alarm: EnergyAlarm) async {
        do {
            try await context.publish(alarm, stream: "alarms")
        } catch {
            context.logger.warning("alarm not published", metadata: ["error": "\(error)"])
        }
    }

    /// The code of the alarm raised while batches cannot be written.
    public static let writeFailedAlarm = "write_failed"
}

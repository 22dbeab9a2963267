public import AdapterKit
import Foundation

/// Publishes `measurement` events from a CSV or JSON Lines file (a Recorder's output replays as
/// is), at the recorded pace scaled by `speed`, or as fast as possible; optionally in a loop.
///
/// Events are stamped with the time they are published; each measurement keeps its recorded
/// time as `meter_time`.
public struct ReplayAdapter: Adapter {
    /// How the file is read.
    public enum Format: String, Decodable, Sendable, CaseIterable {
        /// CSV for a name ending in `.csv`, JSON Lines otherwise.
        case auto
        /// A header line of quantities, then one record per line.
        case csv
        /// One event per line, in docs/events.md's JSON form (a Recorder's output).
        case jsonl
    }

    /// How fast records are published.
    public enum Pace: String, Decodable, Sendable, CaseIterable {
        /// The file's own intervals, divided by `speed`.
        case recorded
        /// As fast as the bus accepts them.
        case fastest
    }

    /// The instance's configuration, decoded from its `config` object in adapters.json. Defaults
    /// and ranges are the schema's (``description``), filled in before decoding.
    public struct Configuration: Decodable, Sendable {
        /// The file to replay; relative to the configuration file's directory.
        public var file: String
        /// `auto` (the default: CSV for a `.csv` file, JSON Lines otherwise), `csv` or `jsonl`.
        public var format: Format
        /// `recorded` (the file's own intervals divided by `speed`) or `fastest`.
        public var pace: Pace
        /// Divides the recorded intervals when `pace` is `recorded`: 2 replays twice as fast (default 1).
        public var speed: Double
        /// Whether to start again at the end of the file (default false).
        public var loop: Bool
        /// The stream it publishes on, `sites/{site}/{adapter}/{stream}` (default `measurements`).
        public var stream: String
        /// The measurements' device id; default: the instance id.
        public var deviceId: String?
        /// Renames CSV headers to `<quantity>[_<unit>][@<phase>]`.
        public var columns: [String: String]?
    }

    /// Declares the `Replay` type, its configuration schema and its `measurements` stream.
    public static let description = AdapterDescription(
        typeName: "Replay",
        version: "1.0.0",
        summary: "Publishes measurements from a CSV or JSON Lines file at the recorded pace (scaled) or as fast as possible.",
        configurationSchema: .object(
            [
                "file": .string(description: "File to replay, relative to the configuration file.", minLength: 1),
                "format": .string(default: Format.auto.rawValue, oneOf: Format.allCases.map(\.rawValue)),
                "pace": .string(default: Pace.recorded.rawValue, oneOf: Pace.allCases.map(\.rawValue)),
                "speed": .number(description: "Pace factor: 2 replays twice as fast.", minimum: 0.001, maximum: 1_000_000, default: 1),
                "loop": .boolean(description: "Start again at the end of the file.", default: false),
                "stream": .string(default: "measurements", pattern: "^[^/+#]+$"),
                "device_id": .string(description: "Device id of the measurements (default: the instance id for CSV, the recorded one for JSON Lines)."),
                "columns": .map(of: .string(), description: "CSV header renames to <quantity>[_<unit>][@<phase>]."),
            ],
            required: ["file"]
        ),
        publishes: [.init(stream: "measurements", kind: .measurement)]
    )

    private let configuration: Configuration
    private let context: AdapterContext
    private let path: String

    /// Refuses a file that cannot be read, or a CSV file without a usable header.
    public static func validate(_ configuration: Configuration, in environment: ValidationEnvironment) -> [ConfigurationIssue] {
        do {
            _ = try ReplaySource(
                path: environment.resolvePath(configuration.file),
                format: configuration.format,
                renames: configuration.columns ?? [:],
                deviceID: configuration.deviceId,
                defaultDeviceID: environment.instanceID
            )
            return []
        } catch {
            return [ConfigurationIssue("file", "\(error)")]
        }
    }

    /// Resolves `file` against the configuration's directory (``validate(_:in:)`` checked it).
    public init(configuration: Configuration, context: AdapterContext) throws {
        self.configuration = configuration
        self.context = context
        self.path = context.resolvePath(configuration.file)
    }

    /// Replays the file (again and again if `loop`) until its end or graceful shutdown.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await replay(clock: context.clock)
            }
        } catch is CancellationError {
            context.logger.debug("replay stopped")
        }
    }

    private func makeSource() throws -> ReplaySource {
        try ReplaySource(
            path: path,
            format: configuration.format,
            renames: configuration.columns ?? [:],
            deviceID: configuration.deviceId,
            defaultDeviceID: context.instanceID
        )
    }

    private func replay<C: Clock<Duration>>(clock: C) async throws {
        let start = clock.now
        var offset = Duration.zero
        var published = 0
        var pass = 0
        repeat {
            var source = try makeSource()
            var first: EventTime?
            var last: EventTime?
            var gap = Duration.seconds(1)
            while let record = try source.next() {
                try Task.checkCancellation()
                first = first ?? record.time
                if let last { gap = max(.zero, Self.span(from: last, to: record.time)) }
                last = record.time
                if configuration.pace == .recorded {
                    let recorded = Self.span(from: first!, to: record.time)
                    let wait = min((offset + recorded) / configuration.speed, Self.longestWait)
                    try await clock.sleep(until: start.advanced(by: wait), tolerance: nil)
                }
                try await context.publish(record.measurement, stream: configuration.stream)
                published += 1
                // As fast as possible must not mean holding a thread of the shared pool for good.
                if published % 256 == 0 { await Task.yield() }
            }
            if pass == 0, let first = source.firstSkipped {
                context.logger.warning(
                    "lines skipped",
                    metadata: ["replay.skipped": "\(source.skippedCount)", "replay.first": "\(first)"]
                )
            }
            pass += 1
            guard let first, let last else {
                context.logger.warning("nothing to replay", metadata: ["replay.file": "\(path)"])
                return
            }
            offset = min(offset + Self.span(from: first, to: last) + gap, Self.longestWait)
            await Task.yield()
        } while configuration.loop
        context.logger.info("replay finished", metadata: ["replay.events": "\(published)"])
    }

    /// The time from `start` to `end`, exact whatever the two times (Duration is 128-bit, where a
    /// difference of nanoseconds since the epoch overflows 64 bits for times 292 years apart).
    private static func span(from start: EventTime, to end: EventTime) -> Duration {
        .nanoseconds(end.nanosecondsSinceEpoch) - .nanoseconds(start.nanosecondsSinceEpoch)
    }

    /// The farthest a paced replay waits from its start: a file whose times span centuries (a
    /// typo in a year) stalls the replay rather than overflowing the clock.
    private static let longestWait = Duration.seconds(100 * 365 * 86_400)
}

public import AdapterKit
import Foundation

/// Publishes `measurement` events from a CSV or JSON Lines file (a Recorder's output replays as
/// is), at the recorded pace scaled by `speed`, or as fast as possible; optionally in a loop.
///
/// Events are stamped with the time they are published; each measurement keeps its recorded
/// time as `meter_time`.
public struct ReplayAdapter: Adapter {
    /// The instance's configuration, decoded from its `config` object in adapters.json.
    public struct Configuration: Decodable, Sendable {
        /// The file to replay; relative to the configuration file's directory.
        public var file: String
        /// `auto` (the default: CSV for a `.csv` file, JSON Lines otherwise), `csv` or `jsonl`.
        public var format: String = "auto"
        /// `recorded` (the file's own intervals divided by `speed`) or `fastest`.
        public var pace: String = "recorded"
        /// Divides the recorded intervals when `pace` is `recorded`: 2 replays twice as fast (default 1).
        public var speed: Double = 1
        /// Whether to start again at the end of the file (default false).
        public var loop: Bool = false
        /// The stream it publishes on, `sites/{site}/{adapter}/{stream}` (default `measurements`).
        public var stream: String = "measurements"
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
                "format": .string(default: "auto", oneOf: ["auto", "csv", "jsonl"]),
                "pace": .string(default: "recorded", oneOf: ["recorded", "fastest"]),
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

    /// Resolves `file` against the configuration's directory; refuses a missing file or a bad CSV header now.
    public init(configuration: Configuration, context: AdapterContext) throws {
        self.configuration = configuration
        self.context = context
        self.path = context.resolvePath(configuration.file)
        _ = try makeSource()  // refuse a missing file or a bad header now, not at run time
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
            format: ReplaySource.Format(rawValue: configuration.format) ?? .auto,
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
                if let last { gap = max(.zero, .nanoseconds(record.time.nanosecondsSinceEpoch - last.nanosecondsSinceEpoch)) }
                last = record.time
                if configuration.pace == "recorded" {
                    let recorded = Duration.nanoseconds(record.time.nanosecondsSinceEpoch - first!.nanosecondsSinceEpoch)
                    try await clock.sleep(until: start.advanced(by: (offset + recorded) / configuration.speed), tolerance: nil)
                }
                try await context.publish(record.measurement, stream: configuration.stream)
                published += 1
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
            offset += .nanoseconds(last.nanosecondsSinceEpoch - first.nanosecondsSinceEpoch) + gap
        } while configuration.loop
        context.logger.info("replay finished", metadata: ["replay.events": "\(published)"])
    }
}

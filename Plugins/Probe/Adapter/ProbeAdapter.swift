public import AdapterKit

/// A load generator and echo, for benchmarks and for checking a host's bus on site.
///
/// - `emit`: publishes `count` measurements (0: until stopped) at `rate` per second (0: as fast
///   as the bus accepts them), each stamped with the time it is published.
/// - `echo`: republishes every delivered event unchanged (kind, time, payload) on its stream, so
///   the time an event spent crossing adapters can be measured downstream.
public struct ProbeAdapter: Adapter {
    /// What an instance does.
    public enum Mode: String, Decodable, Sendable, CaseIterable {
        /// Generates measurements.
        case emit
        /// Republishes what is delivered.
        case echo
    }

    /// The instance's configuration, decoded from its `config` object in adapters.json. Defaults
    /// and ranges are the schema's (``description``), filled in before decoding.
    public struct Configuration: Decodable, Sendable {
        /// `emit` to generate measurements, or `echo` to republish what is delivered.
        public var mode: Mode
        /// Events per second when emitting; 0 (the default) publishes as fast as the bus accepts them.
        public var rate: Double
        /// Events to emit before the run ends; 0 (the default) emits until shutdown.
        public var count: Int
        /// The stream it publishes on, `sites/{site}/{adapter}/{stream}` (default `probe`).
        public var stream: String
    }

    /// Declares the `Probe` type, its configuration schema and its default subscription to `sites/{site}/{adapter}/in`.
    public static let description = AdapterDescription(
        typeName: "Probe",
        version: "1.0.0",
        summary: "Emits measurements at a set rate, or echoes what it receives (benchmarks, bus checks).",
        configurationSchema: .object(
            [
                "mode": .string(oneOf: Mode.allCases.map(\.rawValue)),
                "rate": .number(description: "Events per second when emitting; 0 for as fast as possible.", minimum: 0, maximum: 10_000_000, default: 0),
                "count": .integer(description: "Events to emit; 0 for no limit.", minimum: 0, default: 0),
                "stream": .string(default: "probe", pattern: "^[^/+#]+$"),
            ],
            required: ["mode"]
        ),
        publishes: [.init(stream: "probe", kind: .measurement)],
        subscriptions: [.init(topic: "sites/{site}/{adapter}/in")]
    )

    private let configuration: Configuration
    private let context: AdapterContext
    private let topic: String

    /// Creates an instance publishing on the topic of `configuration.stream`.
    public init(configuration: Configuration, context: AdapterContext) throws {
        self.configuration = configuration
        self.context = context
        self.topic = context.topic(configuration.stream)
    }

    /// In `emit` mode, publishes until `count` events are sent or shutdown; in `echo` mode, waits for shutdown.
    public func run() async throws {
        guard configuration.mode == .emit else {
            try? await gracefulShutdown()
            return
        }
        do {
            try await cancelWhenGracefulShutdown { try await emit(clock: context.clock) }
        } catch is CancellationError {
            return
        }
    }

    /// In `echo` mode, republishes each event unchanged on its stream; in `emit` mode, ignores deliveries.
    public func handle(batch events: [Event]) async throws {
        guard configuration.mode == .echo else { return }
        for var event in events {
            event.topic = topic
            if try context.publishNow(event) == .backpressure { try await context.waitUntilPublishReady() }
        }
    }

    private func emit<C: Clock<Duration>>(clock: C) async throws {
        var measurement = EnergyMeasurement()
        measurement.deviceID = context.instanceID
        measurement.values = [EnergyValue(.activePowerImport, 0)]
        let start = clock.now
        var sent = 0
        while configuration.count == 0 || sent < configuration.count {
            try Task.checkCancellation()
            var due = configuration.count == 0 ? sent + 1024 : min(configuration.count, sent + 1024)
            if configuration.rate > 0 {
                let elapsed = start.duration(to: clock.now) / .seconds(1)
                // Bounded by `due` first, so that no product of the rate overflows an Int.
                due = min(due, Int(min(elapsed * configuration.rate, Double(due))) + 1)
                if due <= sent {
                    try await clock.sleep(for: .microseconds(500))
                    continue
                }
            }
            while sent < due {
                measurement.values[0].value = Double(sent)
                let event = try Event(topic: topic, payload: measurement, time: EventTime.now())
                if try context.publishNow(event) == .backpressure { try await context.waitUntilPublishReady() }
                sent += 1
            }
            await Task.yield()
        }
    }
}

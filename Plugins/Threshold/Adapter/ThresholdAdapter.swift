public import AdapterKit
import Synchronization

/// Raises an `alarm` while a measurement's `active_power_import` exceeds a limit, and clears it
/// once the power is back at or below the limit minus a hysteresis.
public struct ThresholdAdapter: Adapter {
    /// The instance's configuration, decoded from its `config` object in adapters.json. Defaults
    /// and ranges are the schema's (``description``), filled in before decoding.
    public struct Configuration: Decodable, Sendable {
        /// Raises the alarm when `active_power_import` exceeds this, in W (required).
        public var limitW: Double
        /// Clears the alarm at or below `limitW - hysteresisW`, in W (default 0; at most `limitW`).
        public var hysteresisW: Double
        /// The severity of a raised alarm: `info`, `warning` (default) or `critical`; a cleared one is `info`.
        public var severity: AlarmSeverity
        /// The stream alarms are published on (default `alarms`).
        public var stream: String
        /// Watches only this device's measurements; nil watches every device.
        public var deviceId: String?
    }

    /// Declares the `Threshold` type, its schema, its `alarms` stream and its subscription to the site's measurements.
    public static let description = AdapterDescription(
        typeName: "Threshold",
        version: "1.0.0",
        summary: "Raises an alarm while active_power_import exceeds a limit.",
        configurationSchema: .object(
            [
                "limit_w": .number(description: "Raise the alarm above this active power drawn, W.", minimum: 0),
                "hysteresis_w": .number(description: "Clear it at or below limit_w - hysteresis_w, W.", minimum: 0, default: 0),
                "severity": .string(default: AlarmSeverity.warning.rawValue, oneOf: AlarmSeverity.allCases.map(\.rawValue)),
                "stream": .string(default: "alarms", pattern: "^[^/+#]+$"),
                "device_id": .string(description: "Watch only this device (default: every device).", minLength: 1),
            ],
            required: ["limit_w"]
        ),
        publishes: [.init(stream: "alarms", kind: .alarm)],
        subscriptions: [.init(topic: "sites/{site}/+/measurements")]
    )

    private let configuration: Configuration
    private let context: AdapterContext
    private let alarms = Alarms()

    /// Refuses a `hysteresisW` greater than `limitW` (the alarm could never clear).
    public static func validate(_ configuration: Configuration, in environment: ValidationEnvironment) -> [ConfigurationIssue] {
        guard configuration.hysteresisW <= configuration.limitW else {
            return [ConfigurationIssue("hysteresis_w", "\(configuration.hysteresisW) must not exceed limit_w (\(configuration.limitW))")]
        }
        return []
    }

    /// Creates an instance.
    public init(configuration: Configuration, context: AdapterContext) throws {
        self.configuration = configuration
        self.context = context
    }

    /// Logs the limit and waits for graceful shutdown; the work happens in ``handle(_:)``.
    public func run() async throws {
        context.logger.info("watching active_power_import", metadata: ["threshold.limit_w": "\(configuration.limitW)"])
        // The work happens in handle(_:). Stay alive until the host asks for a graceful shutdown.
        try? await gracefulShutdown()
    }

    /// Publishes an alarm, stamped with the event's time, when the power crosses the limit or the clear level.
    public func handle(_ event: Event) async throws {
        guard event.kind == .measurement else { return }
        let measurement = try event.decode(EnergyMeasurement.self)
        if let device = configuration.deviceId, measurement.deviceID != device { return }
        guard let power = measurement.value(of: .activePowerImport), power.quality != "invalid" else { return }

        let limit = configuration.limitW
        let clearAt = limit - configuration.hysteresisW
        let payload: EnergyAlarm? = alarms.set.withLock { alarms in
            if power.value > limit {
                return alarms.raise("active_power_limit", severity: configuration.severity, "active_power_import \(power.value) W above the limit \(limit) W")
            }
            if power.value <= clearAt {
                return alarms.clear("active_power_limit", "active_power_import \(power.value) W back at or below \(clearAt) W")
            }
            return nil
        }
        guard let payload else { return }
        try await context.publish(payload, stream: configuration.stream, time: event.time)
    }
}

/// The raised alarm. The adapter value is copied and must be `Sendable`, so mutable state lives in
/// a reference behind a lock, even though `handle(_:)` is never called concurrently.
private final class Alarms: Sendable {
    let set = Mutex(AlarmSet())
}

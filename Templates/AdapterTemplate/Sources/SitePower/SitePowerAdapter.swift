public import AdapterKit
import Synchronization

/// Publishes the site's total active power: the sum of the latest `active_power_import` of each
/// configured device, once every device has reported, each time one of them reports.
public struct SitePowerAdapter: Adapter {
    /// The configuration; defaults and ranges are the schema's.
    public struct Configuration: Decodable, Sendable {
        /// The devices whose power is summed (their measurements' `device_id`).
        public var devices: [String]
        /// The stream the total goes to.
        public var stream: String
    }

    /// The `SitePower` type: its schema, its stream and its subscription.
    public static let description = AdapterDescription(
        typeName: "SitePower",
        version: "1.0.0",
        summary: "Sums the active power of a site's devices.",
        configurationSchema: .object(
            [
                "devices": .array(of: .string(minLength: 1), description: "Device ids whose power is summed.", minItems: 1),
                "stream": .string(default: "total", pattern: "^[^/+#]+$"),
            ],
            required: ["devices"]
        ),
        publishes: [.init(stream: "total", kind: .measurement)],
        subscriptions: [.init(topic: "sites/{site}/+/measurements")]
    )

    /// A device named twice would be counted twice.
    public static func validate(_ configuration: Configuration, in environment: ValidationEnvironment) -> [ConfigurationIssue] {
        var seen: Set<String> = []
        return configuration.devices.enumerated().compactMap { index, device in
            seen.insert(device).inserted ? nil : ConfigurationIssue("devices[\(index)]", "\"\(device)\" is named twice")
        }
    }

    private let configuration: Configuration
    private let context: AdapterContext
    private let latest = Latest()

    public init(configuration: Configuration, context: AdapterContext) throws {
        self.configuration = configuration
        self.context = context
    }

    public func run() async throws {
        try? await gracefulShutdown()
    }

    public func handle(_ event: Event) async throws {
        guard event.kind == .measurement, event.source != context.instanceID else { return }  // not its own totals
        let measurement = try event.decode(EnergyMeasurement.self)
        guard configuration.devices.contains(measurement.deviceID),
            let power = measurement.value(of: .activePowerImport), power.quality == "valid"
        else { return }
        let total: Double? = latest.values.withLock { values in
            values[measurement.deviceID] = power.value
            guard values.count == configuration.devices.count else { return nil }
            return values.values.reduce(0, +)
        }
        guard let total else { return }
        var sum = EnergyMeasurement()
        sum.deviceID = context.instanceID
        sum.values = [EnergyValue(.activePowerImport, total)]
        try await context.publish(sum, stream: configuration.stream, time: event.time)
    }
}

/// The latest power of each device (the adapter value is copied: state lives in a reference).
private final class Latest: Sendable {
    let values = Mutex<[String: Double]>([:])
}

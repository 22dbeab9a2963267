public import AdapterKit

/// A simulated PV or wind plant that obeys curtailment orders (docs/plant-simulator.md).
///
/// It publishes its `active_power_export` every `interval_s` from a deterministic profile, and
/// takes `curtail` (to 0 W, or to a limit in W) and `release` commands on its `commands` stream,
/// answering each on `acks`; its state (`producing`, `curtailed`) goes to `status`. Commands apply
/// when received: a `valid_from` in the future is not waited for.
public struct PlantSimulatorAdapter: Adapter {
    public typealias Configuration = PlantSimulatorConfiguration

    /// Declares the `PlantSimulator` type, its schema, streams and command subscription.
    public static let description = AdapterDescription(
        typeName: "PlantSimulator",
        version: "1.0.0",
        summary: "A simulated PV or wind plant: publishes its active power export and obeys curtail and release commands.",
        configurationSchema: PlantSimulatorConfiguration.schema,
        publishes: [
            .init(stream: "measurements", kind: .measurement),
            .init(stream: "status", kind: .status),
            .init(stream: "acks", kind: .commandAck),
        ],
        subscriptions: [.init(topic: "sites/{site}/{adapter}/commands", policy: .lossless)]
    )

    private let context: AdapterContext
    private let interval: Duration
    private let plant: PlantController

    /// Refuses a profile that contradicts the technology (`solar` for wind, `wind` for PV).
    public static func validate(_ configuration: Configuration, in environment: ValidationEnvironment) -> [ConfigurationIssue] {
        configuration.issues()
    }

    /// Creates an instance.
    public init(configuration: Configuration, context: AdapterContext) throws {
        self.context = context
        interval = configuration.intervalS.duration
        plant = PlantController(configuration: configuration, context: context)
    }

    /// Announces the plant, then publishes its power every `interval_s` until graceful shutdown.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { [plant, interval, context] in
                try await plant.start()
                try await Self.measure(plant, every: interval, on: context.clock)
            }
        } catch is CancellationError {
            // Graceful shutdown.
        }
    }

    /// Takes `curtail` and `release` commands.
    public func handle(_ event: Event) async throws {
        try await plant.handle(event)
    }

    /// Ticks the plant on a fixed cadence of `clock`; after a stall, the cadence starts again from now.
    private static func measure<C: Clock<Duration>>(_ plant: PlantController, every interval: Duration, on clock: C) async throws {
        var next = clock.now
        while true {
            next = next.advanced(by: interval)
            try await clock.sleep(until: next, tolerance: nil)
            try await plant.tick()
            let now = clock.now
            if next.advanced(by: interval) < now { next = now }
        }
    }
}

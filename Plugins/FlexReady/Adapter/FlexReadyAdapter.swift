public import AdapterKit
import Foundation

/// The Flex Ready® API (seed 001, docs/flexready.md). In the BACS role, an HTTP server the
/// flexibility operator calls (getBACSAssets, askFlex / askFlexWithPrice, confirmFlexRequest, the
/// consumptions), each request stored before it is answered and published on the bus for the
/// site's controller. In the operator role, a client of a remote BACS driven by commands.
public struct FlexReadyAdapter: Adapter {
    public typealias Configuration = FlexReadyConfiguration

    /// Declares the `FlexReady` type, its schema and streams.
    public static let description = AdapterDescription(
        typeName: "FlexReady",
        version: "0.1.0",
        summary: "Flex Ready building flexibility API: the BACS role (requests stored before they are answered) and the operator role (a client of remote BACS).",
        configurationSchema: FlexReadyConfiguration.schema,
        publishes: [
            .init(stream: "requests", kind: .flexRequest),
            .init(stream: "confirmations", kind: .flexConfirmation),
            .init(stream: "realizations", kind: .flexRealization),
            .init(stream: "tariffs", kind: .tariffSignal),
            .init(stream: "acks", kind: .commandAck),
            .init(stream: "alarms", kind: .alarm),
        ],
        subscriptions: [
            .init(topic: "sites/{site}/+/measurements", policy: .dropOldest),
            .init(topic: "sites/{site}/{adapter}/commands", policy: .lossless),
        ]
    )

    /// The requests' file in the instance's data directory.
    public static let storeFile = "flexready.sqlite"
    /// The assets' mean power, in the instance's data directory.
    public static let meansFile = "means.sqlite"
    /// The requests the operator role sent, in the instance's data directory.
    public static let operatorFile = "operator.sqlite"

    let configuration: FlexReadyConfiguration
    let context: AdapterContext
    let consumptions: FlexConsumptions
    /// Commands for the operator role, taken by `handle` and carried out by `run`.
    let commands: AsyncStream<EnergyCommand>
    private let commandInbox: AsyncStream<EnergyCommand>.Continuation

    /// Refuses what the schema cannot express (docs/flexready.md, "Settings").
    public static func validate(_ configuration: Configuration, in environment: ValidationEnvironment) -> [ConfigurationIssue] {
        configuration.issues(resolvePath: environment.resolvePath)
    }

    public init(configuration: Configuration, context: AdapterContext) throws {
        self.configuration = configuration
        self.context = context
        do {
            consumptions = try FlexConsumptions(
                meters: configuration.assetsByMeter,
                storePath: URL(fileURLWithPath: context.dataDirectory).appendingPathComponent(Self.meansFile).path
            )
        } catch {
            throw AdapterError(.failed, "cannot open the consumption store in \(context.dataDirectory): \(error)")
        }
        (commands, commandInbox) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1000))
    }

    /// Commands go to the operator role; the measurements of the meters mapped to assets
    /// (`meters`) make, by their energy index, the assets' quarter-hour and hourly means.
    public func handle(_ event: Event) async throws {
        if event.kind == .command {
            let command = try event.decode(EnergyCommand.self)
            guard command.target.isEmpty || command.target == context.instanceID else { return }
            guard configuration.operator != nil else {
                var ack = EnergyCommandAck()
                ack.id = command.id
                ack.outcome = "rejected"
                ack.detail = "this instance has no operator role (configure operator)"
                try await context.publish(ack, stream: "acks")
                return
            }
            if case .dropped(let oldest) = commandInbox.yield(command) {
                // 1 000 commands wait already: the oldest is given up, and says so.
                var ack = EnergyCommandAck()
                ack.id = oldest.id
                ack.outcome = "rejected"
                ack.detail = "too many commands waiting (1000): this one was given up"
                try await context.publish(ack, stream: "acks")
            }
            return
        }
        guard event.kind == .measurement, consumptions.feeds(from: event.source) else { return }
        try await consumptions.record(try event.decode(EnergyMeasurement.self), from: event.source, at: event.time.nanosecondsSinceEpoch)
    }

    /// Runs the configured roles until graceful shutdown.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { roles in
            if configuration.servesBACS { roles.addTask { try await runBACS() } }
            if let role = configuration.operator { roles.addTask { try await runOperator(role) } }
            if let supplier = configuration.supplier { roles.addTask { try await runSupplierSignal(supplier) } }
            if let ecowatt = configuration.ecowatt { roles.addTask { try await runEcoWattSignal(ecowatt) } }
            try await roles.waitForAll()
        }
    }

}

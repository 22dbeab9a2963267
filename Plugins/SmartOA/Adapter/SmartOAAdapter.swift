public import AdapterKit
import AdapterKitHTTPClient
import Foundation

/// EDF OA's Smart OA curtailment orders for wind and PV producers (seed 000, docs/smartoa.md):
/// polls each account's orders, keeps every revision in a ledger before acting on it, drives each
/// contract's plant with `curtail` / `release` commands at the orders' starts and ends, and
/// acknowledges each revision to the platform exactly once.
public struct SmartOAAdapter: Adapter {
    public typealias Configuration = SmartOAConfiguration

    /// Declares the `SmartOA` type, its schema, streams and subscriptions.
    public static let description = AdapterDescription(
        typeName: "SmartOA",
        version: "1.0.0",
        summary: "EDF OA Smart OA curtailment orders: polled, stored, executed on the plant and acknowledged exactly once.",
        configurationSchema: SmartOAConfiguration.schema,
        publishes: [
            .init(stream: "schedules", kind: .schedule),
            .init(stream: "alarms", kind: .alarm),
            .init(stream: "acks", kind: .commandAck),
        ],
        subscriptions: [
            .init(topic: "sites/{site}/+/acks", policy: .lossless),
            .init(topic: "sites/{site}/{adapter}/commands", policy: .lossless),
        ]
    )

    /// The ledger's file in the instance's data directory.
    public static let ledgerFile = "ledger.sqlite"

    private let configuration: SmartOAConfiguration
    private let context: AdapterContext
    private let ledger: SmartOALedger
    private let state = SmartOAState()
    private let plant: PlantDriver

    /// Refuses what the schema cannot express: the environment's URL, duplicate names and
    /// contracts, expiry dates, a CA file that cannot be read.
    public static func validate(_ configuration: Configuration, in environment: ValidationEnvironment) -> [ConfigurationIssue] {
        configuration.issues(resolvePath: environment.resolvePath)
    }

    /// Opens the ledger.
    public init(configuration: Configuration, context: AdapterContext) throws {
        self.configuration = configuration
        self.context = context
        do {
            ledger = try SmartOALedger(path: URL(fileURLWithPath: context.dataDirectory).appendingPathComponent(Self.ledgerFile).path)
        } catch {
            throw AdapterError(.failed, "cannot open the ledger in \(context.dataDirectory): \(error)")
        }
        plant = PlantDriver(configuration: configuration, context: context, ledger: ledger, state: state)
    }

    /// Loads the stored orders and brings the plants in line with them, then polls every account
    /// and drives the plants until graceful shutdown.
    public func run() async throws {
        let now = context.now()
        let stored = try await ledger.latestOrders(endingFrom: EventTime(sinceEpoch: now.sinceEpoch - .seconds(3600 * configuration.windowPastH)))
        state.withBook { book in for order in stored { book.apply(order) } }
        try await plant.start()
        let settings = configuration.clientSettings(token: nil)
        try await cancelWhenGracefulShutdown { [configuration, context, ledger, state, plant] in
            try await HTTPClientResource.run(settings, resolvePath: context.resolvePath, now: { context.now().date }) { http in
                await withTaskGroup(of: Void.self) { tasks in
                    for account in configuration.accounts {
                        let worker = AccountWorker(account: account, configuration: configuration, context: context, ledger: ledger,
                                                   state: state, plant: plant, random: { Double.random(in: 0..<1) })
                        tasks.addTask { await worker.run(with: http) }
                    }
                    tasks.addTask {
                        while !Task.isCancelled {
                            do { try await context.clock.sleep(for: .seconds(1)) } catch { return }
                            await plant.tick()
                            state.withBook { $0.forget(endedBefore: EventTime(sinceEpoch: context.now().sinceEpoch - .seconds(86_400 * 3))) }
                        }
                    }
                }
            }
        }
    }

    /// Takes the plants' `command_ack`s and operators' commands (`orders`: the operator view).
    public func handle(_ event: Event) async throws {
        switch event.kind {
        case .commandAck:
            await plant.handle(try event.decode(EnergyCommandAck.self), from: event.source)
        case .command where event.topic == context.topic("commands"):
            let command = try event.decode(EnergyCommand.self)
            var ack = EnergyCommandAck()
            ack.id = command.id
            if command.action == "orders" {
                ack.outcome = AckOutcome.executed.rawValue
                ack.detail = try await OperatorView.make(configuration: configuration, ledger: ledger, state: state, plant: plant, at: context.now()).json()
            } else {
                ack.outcome = AckOutcome.rejected.rawValue
                ack.detail = "unknown action \(command.action): SmartOA takes orders (the operator view)"
            }
            try await context.publish(ack, stream: "acks")
        default:
            break
        }
    }
}

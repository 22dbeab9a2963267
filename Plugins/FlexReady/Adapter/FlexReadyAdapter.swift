public import AdapterKit
import AdapterKitHTTPClient
import AdapterKitHTTPServer
import Foundation
import Hummingbird
import ServiceLifecycle

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

    private let configuration: FlexReadyConfiguration
    private let context: AdapterContext
    private let consumptions: FlexConsumptions
    /// Commands for the operator role, taken by `handle` and carried out by `run`.
    private let commands: AsyncStream<EnergyCommand>
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

    /// Takes the measurements of the meters mapped to assets (`meters`): their energy index makes
    /// the assets' quarter-hour and hourly means.
    /// Commands go to the operator role.
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
            commandInbox.yield(command)
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

    /// The supplier's signal: `GetCommodityPriceExchange` every `every_min`, its quarter-hours
    /// published on `tariffs`.
    private func runSupplierSignal(_ supplier: FlexReadyConfiguration.Supplier) async throws {
        let context = context
        let settings = HTTPClientSettings(baseURL: supplier.url.hasSuffix("/") ? String(supplier.url.dropLast()) : supplier.url, bearerToken: supplier.token)
        try await cancelWhenGracefulShutdown {
            try await HTTPClientResource.run(settings, resolvePath: context.resolvePath) { http in
                let path = SupplierSignal.path(buildingID: supplier.buildingId, hours: supplier.hours, deliveryPoint: supplier.dp)
                let poller = SignalPoller(name: "supplier signal", alarmCode: "flex_supplier_signal_missing", interval: .seconds(supplier.everyMin * 60)) {
                    let answer = try await http.send(HTTPRequestSpec(path: path, headers: [("Accept", "application/json")]))
                    return try SupplierSignal.signals(in: answer.text, deliveryPoint: supplier.dp)
                }
                await poller.run(context: context)
            }
        }
    }

    /// RTE's EcoWatt signal: a token by OAuth 2 client credentials, then the v5 signals every
    /// `every_min`, their hours published on `tariffs`.
    private func runEcoWattSignal(_ ecowatt: FlexReadyConfiguration.EcoWatt) async throws {
        let context = context
        let settings = HTTPClientSettings(baseURL: ecowatt.url.hasSuffix("/") ? String(ecowatt.url.dropLast()) : ecowatt.url)
        let tokens = OAuth2ClientCredentials(tokenPath: ecowatt.tokenPath, clientID: ecowatt.clientId, clientSecret: ecowatt.clientSecret)
        try await cancelWhenGracefulShutdown {
            try await HTTPClientResource.run(settings, resolvePath: context.resolvePath) { http in
                let poller = SignalPoller(name: "EcoWatt signal", alarmCode: "flex_ecowatt_signal_missing", interval: .seconds(ecowatt.everyMin * 60)) {
                    let token = try await tokens.token(using: http)
                    do {
                        let answer = try await http.send(HTTPRequestSpec(path: EcoWattSignal.path, headers: [("Authorization", "Bearer \(token)"), ("Accept", "application/json")]))
                        return try EcoWattSignal.signals(in: answer.text)
                    } catch let failure as HTTPFailure {
                        if case .unauthorized = failure { await tokens.invalidate() }
                        throw failure
                    }
                }
                await poller.run(context: context)
            }
        }
    }

    /// The operator role: the start request if configured, then each command in turn, until
    /// graceful shutdown.
    private func runOperator(_ settings: FlexReadyConfiguration.Operator) async throws {
        let context = context, commands = commands
        let store: FlexRequestStore
        do {
            store = try FlexRequestStore(path: URL(fileURLWithPath: context.dataDirectory).appendingPathComponent(Self.operatorFile).path)
        } catch {
            throw AdapterError(.failed, "cannot open the operator's store in \(context.dataDirectory): \(error)")
        }
        try await cancelWhenGracefulShutdown {
            try await HTTPClientResource.run(settings.httpSettings, resolvePath: context.resolvePath) { http in
                let client = FlexOperatorClient(
                    http: http, headers: (settings.headers ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, level: settings.evaluatorLevel,
                    retrying: { route, failure in context.logger.warning("flexready operator: \(route.rawValue) not answered, sending it once more", metadata: ["error": "\(failure)"]) }
                )
                let role = try await FlexOperatorRole(
                    settings: settings, client: client, store: store,
                    now: { FlexTime(secondsSinceEpoch: context.now().nanosecondsSinceEpoch / 1_000_000_000) },
                    output: { output in await Self.publish(output, context: context) },
                    log: { error, message in error ? context.logger.error("\(message)") : context.logger.info("\(message)") }
                )
                if let scenario = settings.runOnStart { await role.run(scenario) }
                for await command in commands {
                    let ack = await role.handle(command)
                    try? await context.publish(ack, stream: "acks")
                }
            }
        }
    }

    /// The BACS role: its server, and at level 2 the acceptances to the operator (`accept_url`),
    /// until graceful shutdown.
    private func runBACS() async throws {
        let context = context
        let (acceptances, acceptanceInbox) = AsyncStream.makeStream(of: FlexRequestBook.Entry.self)
        let accepting = configuration.acceptanceSettings != nil
        let service: FlexBACSService
        do {
            service = try await FlexBACSService(
                bacs: configuration.served,
                storePath: URL(fileURLWithPath: context.dataDirectory).appendingPathComponent(Self.storeFile).path,
                intrusionThreshold: configuration.intrusionThreshold,
                consumptions: consumptions,
                now: { FlexTime(secondsSinceEpoch: context.now().nanosecondsSinceEpoch / 1_000_000_000) },
                notify: { notice in
                    await Self.publish(notice, context: context)
                    if accepting, case .request(let entry) = notice, FlexAcceptance.due(entry) { acceptanceInbox.yield(entry) }
                }
            )
        } catch {
            throw AdapterError(.failed, "cannot open the request store in \(context.dataDirectory): \(error)")
        }
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        if !configuration.allowAnonymous {
            var credentials = (configuration.clients ?? []).map { BearerAuthentication.Credential.token(name: $0.name, token: $0.token) }
            if let secret = configuration.jwtHs256Secret { credentials.append(.hs256(secret: secret)) }
            if let file = configuration.jwtRs256PublicKey {
                credentials.append(.rs256(publicKeyPEM: try String(contentsOfFile: context.resolvePath(file), encoding: .utf8)))
            }
            router.add(middleware: BearerAuthenticationMiddleware(try await BearerAuthentication(credentials: credentials)))
        }
        FlexBACSRoutes.register(on: router, basePath: configuration.basePath, service: service, bodyLimit: configuration.maxBodyBytes)
        let settings = HTTPServerSettings(host: configuration.host, port: configuration.port, maximumBodySize: configuration.maxBodyBytes)
        let application = try HTTPServerApplication.make(
            router: router, settings: settings, name: "flexready", logger: context.logger,
            onListening: { port in context.logger.info("BACS server listening", metadata: ["flexready.port": "\(port)"]) }
        )
        guard let acceptance = configuration.acceptanceSettings else { return try await application.runService() }
        let alarm = FlexAcceptance.Alarm()
        try await HTTPClientResource.run(acceptance, resolvePath: context.resolvePath) { http in
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    await withTaskGroup(of: Void.self) { sending in
                        for await entry in acceptances {
                            sending.addTask { await Self.accept(entry, via: FlexAcceptance(client: http, clock: context.clock), context: context, alarm: alarm) }
                        }
                    }
                }
                do {
                    try await application.runService()
                } catch {
                    acceptanceInbox.finish()
                    throw error
                }
                acceptanceInbox.finish()
                try await tasks.waitForAll()
            }
        }
    }

    /// Sends the acceptance of `entry`, and says how it went: the log, and the
    /// `flex_acceptance_unacknowledged` alarm while the operator does not acknowledge.
    private static func accept(_ entry: FlexRequestBook.Entry, via acceptance: FlexAcceptance, context: AdapterContext, alarm: FlexAcceptance.Alarm) async {
        let request = "\(entry.bacsID)/\(entry.assetID)/\(entry.requestID)"
        let outcome = await acceptance.send(entry)
        switch outcome {
        case .acknowledged(let attempt):
            context.logger.info("acceptFlexRequest acknowledged", metadata: ["flexready.request": "\(request)", "flexready.attempt": "\(attempt)"])
        case .unacknowledged(let reason):
            context.logger.error("acceptFlexRequest of \(request) not acknowledged by the operator after a retry: \(reason)")
        }
        if let changed = await alarm.update(after: outcome, request: request) { context.publishAlarm(changed) }
    }

    /// Publishes what the operator role reports.
    private static func publish(_ output: FlexOperatorRole.Output, context: AdapterContext) async {
        do {
            switch output {
            case .confirmation(let confirmation): try await context.publish(confirmation, stream: "confirmations")
            case .realization(let realization): try await context.publish(realization, stream: "realizations")
            case .alarm(let code, let severity, let message, let active):
                var alarm = EnergyAlarm()
                alarm.code = code
                alarm.severity = severity
                alarm.message = message
                alarm.active = active
                context.publishAlarm(alarm)
            }
        } catch {
            context.logger.warning("flex event not published", metadata: ["error": "\(error)"])
        }
    }

    /// Publishes what the BACS service stored: the request or confirmation for the site's
    /// controller, the possible-intrusion alarm.
    private static func publish(_ notice: FlexBACSService.Notice, context: AdapterContext) async {
        do {
            switch notice {
            case .request(let entry):
                try await context.publish(FlexEvents.request(entry), stream: "requests")
            case .confirmation(let entry):
                try await context.publish(FlexEvents.confirmation(entry), stream: "confirmations")
            case .intrusion(let raised, let detail):
                var alarm = EnergyAlarm()
                alarm.code = "flex_possible_intrusion"
                alarm.severity = "critical"
                alarm.message = detail
                alarm.active = raised
                context.publishAlarm(alarm)
            }
        } catch {
            context.logger.warning("flex event not published", metadata: ["error": "\(error)"])
        }
    }
}

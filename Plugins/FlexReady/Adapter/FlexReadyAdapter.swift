public import AdapterKit
import AdapterKitHTTPServer
import Foundation
import Hummingbird

/// The Flex Ready® API in the BACS role (seed 001, docs/flexready.md): an HTTP server the
/// flexibility operator calls (getBACSAssets, askFlex / askFlexWithPrice, confirmFlexRequest), each
/// request stored before it is answered and published on the bus for the site's controller.
public struct FlexReadyAdapter: Adapter {
    public typealias Configuration = FlexReadyConfiguration

    /// Declares the `FlexReady` type, its schema and streams.
    public static let description = AdapterDescription(
        typeName: "FlexReady",
        version: "0.1.0",
        summary: "Flex Ready building flexibility API, BACS role: assets, requests and confirmations, stored before they are answered.",
        configurationSchema: FlexReadyConfiguration.schema,
        publishes: [
            .init(stream: "requests", kind: .flexRequest),
            .init(stream: "confirmations", kind: .flexConfirmation),
            .init(stream: "alarms", kind: .alarm),
        ],
        subscriptions: [.init(topic: "sites/{site}/+/measurements", policy: .dropOldest)]
    )

    /// The requests' file in the instance's data directory.
    public static let storeFile = "flexready.sqlite"
    /// The assets' mean power, in the instance's data directory.
    public static let meansFile = "means.sqlite"

    private let configuration: FlexReadyConfiguration
    private let context: AdapterContext
    private let consumptions: FlexConsumptions

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
    }

    /// Takes the measurements of the meters mapped to assets (`meters`): their energy index makes
    /// the assets' quarter-hour and hourly means.
    public func handle(_ event: Event) async throws {
        guard event.kind == .measurement, consumptions.feeds(from: event.source) else { return }
        try await consumptions.record(try event.decode(EnergyMeasurement.self), from: event.source, at: event.time.nanosecondsSinceEpoch)
    }

    /// Serves the BACS role until graceful shutdown.
    public func run() async throws {
        let context = context
        let service: FlexBACSService
        do {
            service = try await FlexBACSService(
                bacs: configuration.served,
                storePath: URL(fileURLWithPath: context.dataDirectory).appendingPathComponent(Self.storeFile).path,
                intrusionThreshold: configuration.intrusionThreshold,
                consumptions: consumptions,
                now: { FlexTime(secondsSinceEpoch: context.now().nanosecondsSinceEpoch / 1_000_000_000) },
                notify: { notice in await Self.publish(notice, context: context) }
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
        try await application.runService()
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

import AdapterKit
import AdapterKitHTTPClient
import AdapterKitHTTPServer
import Foundation
import Hummingbird

/// The BACS role: its server, its store, and at level 2 acceptFlexRequest (docs/flexready.md).
extension FlexReadyAdapter {
    /// The BACS role: its server, and at level 2 the acceptances to the operator (`accept_url`),
    /// until graceful shutdown.
    func runBACS() async throws {
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
                defer { acceptanceInbox.finish() }
                try await application.runService()
                // Stopping: acceptances still waiting for their retry are given up, not alarmed.
                tasks.cancelAll()
            }
        }
    }

    /// Sends the acceptance of `entry`, and says how it went: the log, and the
    /// `flex_acceptance_unacknowledged` alarm while the operator does not acknowledge.
    static func accept(_ entry: FlexRequestBook.Entry, via acceptance: FlexAcceptance, context: AdapterContext, alarm: FlexAcceptance.Alarm) async {
        let request = "\(entry.bacsID)/\(entry.assetID)/\(entry.requestID)"
        let outcome = await acceptance.send(entry)
        switch outcome {
        case .acknowledged(let attempt):
            context.logger.info("acceptFlexRequest acknowledged", metadata: ["flexready.request": "\(request)", "flexready.attempt": "\(attempt)"])
        case .unacknowledged(let reason):
            context.logger.error("acceptFlexRequest of \(request) not acknowledged by the operator after a retry: \(reason)")
        case .cancelled:
            context.logger.warning("acceptFlexRequest of \(request) given up: the adapter is stopping")
        }
        if let changed = await alarm.update(after: outcome, request: request) { context.publishAlarm(changed) }
    }

    /// Publishes what the BACS service stored: the request or confirmation for the site's
    /// controller, the possible-intrusion alarm.
    static func publish(_ notice: FlexBACSService.Notice, context: AdapterContext) async {
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

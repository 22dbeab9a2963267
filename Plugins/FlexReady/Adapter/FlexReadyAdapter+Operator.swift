import AdapterKit
import AdapterKitHTTPClient
import Foundation
import ServiceLifecycle

/// The operator role: commands to a remote BACS (docs/flexready.md, "The operator role").
extension FlexReadyAdapter {
    /// The operator role: the start request if configured, then each command in turn, until
    /// graceful shutdown.
    func runOperator(_ settings: FlexReadyConfiguration.Operator) async throws {
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
                // Each command runs as it comes: a level 2 askFlex may wait 15 minutes for its answer,
                // and must not hold back the confirmation of another request.
                await withDiscardingTaskGroup { running in
                    for await command in commands {
                        running.addTask {
                            let ack = await role.handle(command)
                            try? await context.publish(ack, stream: "acks")
                        }
                    }
                }
            }
        }
    }

    /// Publishes what the operator role reports.
    static func publish(_ output: FlexOperatorRole.Output, context: AdapterContext) async {
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
}

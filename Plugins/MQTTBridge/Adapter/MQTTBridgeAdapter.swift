public import AdapterKit
import Foundation
import ServiceLifecycle

/// Mirrors chosen bus topics to an MQTT broker and brings chosen broker topics back onto the bus
/// (docs/mqtt.md), through libmosquitto.
///
/// Lossless kinds (alarms, commands, acknowledgements, schedules, statuses by default) are stored
/// in an SQLite outbox before anything else and leave it only when the broker acknowledged them
/// (QoS 1), so a broker outage or a host restart loses none; telemetry waits in a bounded memory
/// buffer while the broker is away, and what it drops is counted. Events brought in keep their
/// original source and time, are marked bridged (`via`), and never go out again.
public final class MQTTBridgeAdapter: Adapter {
    public typealias Configuration = MQTTBridgeConfiguration

    /// Declares the `MQTTBridge` type, its schema and its default subscriptions: everything of
    /// its site, the lossless streams losslessly.
    public static let description = AdapterDescription(
        typeName: "MQTTBridge",
        version: "1.0.0",
        summary: "Mirrors bus events to an MQTT broker (durable outbox for lossless kinds) and injects broker messages back onto the bus.",
        configurationSchema: MQTTBridgeConfiguration.schema,
        publishes: [.init(stream: "alarms", kind: .alarm)],
        subscriptions: [
            .init(topic: "sites/{site}/#"),
            .init(topic: "sites/{site}/+/alarms", policy: .lossless),
            .init(topic: "sites/{site}/+/status", policy: .lossless),
            .init(topic: "sites/{site}/+/commands", policy: .lossless),
            .init(topic: "sites/{site}/+/acks", policy: .lossless),
            .init(topic: "sites/{site}/+/schedules", policy: .lossless),
        ]
    )

    private let engine: BridgeEngine

    /// Refuses what the schema cannot see: a malformed broker URL or filter, TLS files on a plain
    /// broker, a certificate without its key, files that cannot be read.
    public static func validate(_ configuration: Configuration, in environment: ValidationEnvironment) -> [ConfigurationIssue] {
        do {
            _ = try BridgeSettings(configuration, siteID: environment.siteID, instanceID: environment.instanceID, resolvePath: environment.resolvePath)
        } catch {
            return error.issues
        }
        return [("ca_certificate", configuration.caCertificate), ("client_certificate", configuration.clientCertificate), ("client_key", configuration.clientKey)]
            .compactMap { key, path in
                guard let path, !FileManager.default.isReadableFile(atPath: environment.resolvePath(path)) else { return nil }
                return ConfigurationIssue(key, "\(environment.resolvePath(path)) cannot be read")
            }
    }

    /// Creates an instance: opens its ledger and its client (nothing connects before `run()`).
    public init(configuration: Configuration, context: AdapterContext) throws {
        let settings: BridgeSettings
        do {
            settings = try BridgeSettings(configuration, siteID: context.siteID, instanceID: context.instanceID, resolvePath: context.resolvePath)
        } catch {
            throw AdapterError(.invalidConfiguration, error.issues.map(\.description).joined(separator: "; "))
        }
        let ledger = try BridgeLedger(path: context.dataDirectory + "/bridge.sqlite")
        let client: MosquittoClient
        do {
            client = try MosquittoClient(settings.client)
        } catch {
            throw AdapterError(.invalidConfiguration, "MQTT client: \(error)")
        }
        engine = try BridgeEngine(settings: settings, ledger: ledger, client: client, context: context)
    }

    /// Connects and bridges until graceful shutdown, then says `offline` and disconnects.
    public func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await engine.run()
            } onGracefulShutdown: { [engine] in
                Task { await engine.stop() }
            }
        } onCancel: { [engine] in
            Task { await engine.stop() }
        }
    }

    /// Sends a delivered batch: lossless events are in the outbox when this returns.
    public func handle(batch events: [Event]) async throws {
        try await engine.send(events)
    }

    /// Sends one delivered event.
    public func handle(_ event: Event) async throws {
        try await engine.send([event])
    }
}

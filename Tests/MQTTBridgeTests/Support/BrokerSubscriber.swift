import Foundation
import Synchronization

@testable import EnergyMQTTBridge

/// A plain MQTT client on the test's side (libmosquitto, like the bridge, but no bridge logic):
/// subscribes to filters and keeps every message received, or publishes raw messages.
final class BrokerSubscriber: Sendable {
    struct Message: Sendable, Hashable {
        var topic: String
        var payload: [UInt8]
        var qos: Int32
        var retained: Bool
        var text: String { String(decoding: payload, as: UTF8.self) }
    }

    private final class Received: Sendable {
        let messages = Mutex<[Message]>([])
        let ready = Mutex(false)
    }

    private let client: MosquittoClient
    private let state = Received()
    private let task: Task<Void, Never>

    /// Connects to the broker on `port` and subscribes to `filters` at QoS 1; with
    /// `persistentSession`, the broker keeps what arrives while this client is away.
    init(port: Int, filters: [String], clientID: String = "test-\(UUID().uuidString.prefix(8))", persistentSession: Bool = false) async throws {
        client = try MosquittoClient(
            .init(
                host: "127.0.0.1", port: Int32(port), clientID: clientID, persistentSession: persistentSession, keepalive: 30,
                reconnectMin: 1, reconnectMax: 2, username: nil, password: nil, caCertificate: nil, clientCertificate: nil,
                clientKey: nil, useTLS: false, will: nil
            )
        )
        let (client, state) = (client, state)
        task = Task {
            for await signal in client.signals {
                switch signal {
                case .connected(0, _):
                    for filter in filters + ["test/ready/\(clientID)"] { try? client.subscribe(filter, qos: 1) }
                    // A publish after the subscriptions: once it comes back, they are in place.
                    _ = try? client.publish(topic: "test/ready/\(clientID)", payload: [1], qos: 1, retain: false)
                case .message(let topic, let payload, let qos, let retained):
                    if topic == "test/ready/\(clientID)" {
                        state.ready.withLock { $0 = true }
                    } else {
                        state.messages.withLock { $0.append(Message(topic: topic, payload: payload, qos: qos, retained: retained)) }
                    }
                default:
                    break
                }
            }
        }
        try client.start()
        try await MQTTTestSupport.waitFor(10, "the test client's subscriptions") { state.ready.withLock { $0 } }
    }

    var received: [Message] { state.messages.withLock { $0 } }

    func publish(_ topic: String, _ payload: [UInt8], qos: Int32 = 1, retain: Bool = false) throws {
        _ = try client.publish(topic: topic, payload: payload, qos: qos, retain: retain)
    }

    func waitFor(count: Int, matching predicate: (Message) -> Bool = { _ in true }, seconds: Double = 10) async throws -> [Message] {
        try await MQTTTestSupport.waitFor(seconds, "\(count) broker messages") { received.filter(predicate).count >= count }
        return received.filter(predicate)
    }

    func stop() {
        client.stop()
        task.cancel()
    }
}

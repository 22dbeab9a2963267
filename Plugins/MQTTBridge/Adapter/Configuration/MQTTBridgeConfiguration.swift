public import AdapterKit

/// The configuration of an `MQTTBridge` instance (docs/mqtt.md): the broker, what goes out to it
/// and what comes back onto the bus. Defaults and ranges are the schema's (``schema``), filled in
/// before decoding.
public struct MQTTBridgeConfiguration: Decodable, Sendable {
    /// Bus events sent to the broker.
    public struct Outbound: Decodable, Sendable {
        /// A name for metrics and logs (default `out-<index>`).
        public var name: String?
        /// The bus topic filter whose events go out.
        public var filter: String
        /// The broker topic is this prefix, `/`, then the bus topic.
        public var prefix: String
        /// 0 or 1; nil: 1 for the lossless kinds, 0 for the others.
        public var qos: Int?
        /// Whether the broker keeps the last message of each topic for new subscribers.
        public var retain: Bool
        /// Only these kinds (nil: every kind).
        public var kinds: [String]?
    }

    /// Broker messages injected onto the bus.
    public struct Inbound: Decodable, Sendable {
        /// A name for metrics and logs (default `in-<index>`).
        public var name: String?
        /// The broker topic filter to subscribe to.
        public var filter: String
        /// The kinds accepted. `command` must be named to let commands in.
        public var kinds: [String]
        /// Prepended (with `/`) to the event's own topic on the bus; nil: the event's topic as is.
        public var busPrefix: String?
        /// 0 or 1: the subscription's QoS.
        public var qos: Int
    }

    /// `mqtt://host[:port]` (1883) or `mqtts://host[:port]` (8883).
    public var broker: String
    /// The MQTT client id; nil: `energy-<gateway>-<instance>`.
    public var clientId: String?
    /// The name of this gateway in the status topic and in every message's origin (default: the site id).
    public var gatewayId: String?
    /// The user name, if the broker asks for one.
    public var username: String?
    /// Its password: a secret (`${ENV}` or `file:`).
    public var password: String?
    /// The CA the broker's certificate must chain to (PEM file; `mqtts` only).
    public var caCertificate: String?
    /// A client certificate (PEM file) for brokers that authenticate clients by certificate.
    public var clientCertificate: String?
    /// Its private key (PEM file, unencrypted; keep it readable by the host's user only).
    public var clientKey: String?
    /// Keep the MQTT session (subscriptions, QoS 1 messages for this client) across
    /// disconnections: the broker holds what arrives while the host is away (default true).
    public var persistentSession: Bool
    /// MQTT keep-alive (30 s).
    public var keepaliveS: Int
    /// First wait before reconnecting (1 s), doubled up to ``reconnectMaxS`` (30 s).
    public var reconnectMinS: Int
    /// Longest wait between reconnection attempts.
    public var reconnectMaxS: Int
    /// The retained status topic; `{gateway}` is replaced (default `energy/{gateway}/status`).
    public var statusTopic: String
    /// How events are written on the broker.
    public enum Format: String, Decodable, Sendable, CaseIterable {
        /// The documented JSON form of events with a `bridge` member (the default).
        case json
        /// `energy.bridge.v1.BridgedEvent` (bridged_event.proto).
        case protobuf
    }

    /// How events are written on the broker (`json`).
    public var format: Format
    /// Kinds kept in the durable outbox while the broker is unreachable and sent at QoS 1 by
    /// default; nil: ``defaultLosslessKinds``.
    public var losslessKinds: [String]?
    /// Telemetry events (other kinds) held in memory while disconnected; the oldest go first (10 000).
    public var telemetryBuffer: Int
    /// Lossless messages handed to the client library and not yet acknowledged, at most (1 000).
    public var inflightLimit: Int
    /// Bus events sent out; nil: everything of the site (`sites/{site}/#` under `energy/{gateway}`).
    public var outbound: [Outbound]?
    /// Broker messages brought in; nil: none.
    public var inbound: [Inbound]?

    /// The kinds that are lossless unless configured otherwise.
    public static let defaultLosslessKinds: [String] = ["alarm", "command", "command_ack", "schedule", "status"]

    /// The schema of the `config` object.
    public static let schema: JSONSchema = .object(
        [
            "broker": .string(description: "mqtt://host[:port] or mqtts://host[:port].", pattern: #"^mqtts?://[^/]+$"#),
            "client_id": .string(description: "MQTT client id (default energy-<gateway>-<instance>).", minLength: 1),
            "gateway_id": .string(description: "This gateway's name on the broker (default: the site id).", pattern: #"^[A-Za-z0-9._-]+$"#),
            "username": .string(minLength: 1),
            "password": .string(description: "The broker password.", secret: true),
            "ca_certificate": .string(description: "CA of the broker's certificate, PEM file (mqtts).", minLength: 1),
            "client_certificate": .string(description: "Client certificate, PEM file.", minLength: 1),
            "client_key": .string(description: "Client private key, PEM file.", minLength: 1),
            "persistent_session": .boolean(description: "The broker keeps this client's session while it is away.", default: true),
            "keepalive_s": .integer(minimum: 5, maximum: 3600, default: 30),
            "reconnect_min_s": .integer(minimum: 1, maximum: 3600, default: 1),
            "reconnect_max_s": .integer(minimum: 1, maximum: 3600, default: 30),
            "status_topic": .string(default: "energy/{gateway}/status", minLength: 1),
            "format": .string(description: "json or protobuf (bridged_event.proto).", default: Format.json.rawValue, oneOf: Format.allCases.map(\.rawValue)),
            "lossless_kinds": .array(of: .string(minLength: 1), description: "Kinds kept in the durable outbox.", maxItems: 64),
            "telemetry_buffer": .integer(description: "Telemetry events held while disconnected.", minimum: 0, maximum: 10_000_000, default: 10_000),
            "inflight_limit": .integer(minimum: 1, maximum: 65_535, default: 1000),
            "outbound": .array(
                of: .object(
                    [
                        "name": .string(pattern: "^[a-z0-9_-]+$"),
                        "filter": .string(description: "Bus topic filter.", default: "sites/{site}/#", minLength: 1),
                        "prefix": .string(description: "Broker topic prefix.", default: "energy/{gateway}", minLength: 1),
                        "qos": .integer(minimum: 0, maximum: 1, oneOf: [0, 1]),
                        "retain": .boolean(default: false),
                        "kinds": .array(of: .string(minLength: 1), maxItems: 64),
                    ]
                ),
                maxItems: 64
            ),
            "inbound": .array(
                of: .object(
                    [
                        "name": .string(pattern: "^[a-z0-9_-]+$"),
                        "filter": .string(description: "Broker topic filter.", minLength: 1),
                        "kinds": .array(of: .string(minLength: 1), description: "Kinds let in; name command to let commands in.", minItems: 1, maxItems: 64),
                        "bus_prefix": .string(minLength: 1),
                        "qos": .integer(minimum: 0, maximum: 1, default: 1, oneOf: [0, 1]),
                    ],
                    required: ["filter", "kinds"]
                ),
                maxItems: 64
            ),
        ],
        required: ["broker"]
    )
}

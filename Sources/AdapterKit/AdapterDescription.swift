/// What an adapter type declares about itself: the host reads it from the library's manifest.
public struct AdapterDescription: Sendable {
    /// The type name adapters.json's `plugin` refers to; the library is `lib<typeName>.so`.
    public var typeName: String
    /// The adapter's version (semantic versioning).
    public var version: String
    /// One sentence for `energy-host plugins`.
    public var summary: String
    /// The JSON Schema of the instance's `config` object.
    public var configurationSchema: JSONSchema
    /// The streams it publishes on (`sites/{site}/{adapter}/{stream}`) and their kinds.
    public var publishes: [Publication]
    /// The topic filters it subscribes to unless adapters.json overrides them; `{site}` and
    /// `{adapter}` are replaced by the instance's site and id.
    public var subscriptions: [Subscription]

    /// Creates a description; `publishes` and `subscriptions` default to none.
    public init(
        typeName: String,
        version: String,
        summary: String,
        configurationSchema: JSONSchema,
        publishes: [Publication] = [],
        subscriptions: [Subscription] = []
    ) {
        self.typeName = typeName
        self.version = version
        self.summary = summary
        self.configurationSchema = configurationSchema
        self.publishes = publishes
        self.subscriptions = subscriptions
    }

    /// A stream an adapter publishes.
    public struct Publication: Sendable, Hashable {
        /// The stream name, the last level of `sites/{site}/{adapter}/{stream}`.
        public var stream: String
        /// The kind of the events published on it.
        public var kind: EventKind

        /// Declares a stream and the kind of its events.
        public init(stream: String, kind: EventKind) {
            self.stream = stream
            self.kind = kind
        }
    }

    /// A default subscription. Without a policy, the host chooses `lossless` for topics ending in
    /// `/commands` or `/acks` and `drop_oldest` otherwise.
    public struct Subscription: Sendable, Hashable {
        /// The topic filter, with optional `{site}` and `{adapter}` placeholders.
        public var topic: String
        /// The delivery policy; nil lets the host choose from the topic.
        public var policy: DeliveryPolicy?

        /// Declares a default subscription to `topic`, with an optional delivery policy.
        public init(topic: String, policy: DeliveryPolicy? = nil) {
            self.topic = topic
            self.policy = policy
        }
    }

    /// The manifest JSON carried by the descriptor (see adapterkit.h).
    public var manifestJSON: String {
        let manifest: JSONValue = .object([
            "description": .string(summary),
            "config_schema": configurationSchema.value,
            "publishes": .array(publishes.map { .object(["stream": .string($0.stream), "kind": .string($0.kind.rawValue)]) }),
            "subscriptions": .array(subscriptions.map { subscription in
                var entry: [String: JSONValue] = ["topic": .string(subscription.topic)]
                if let policy = subscription.policy { entry["policy"] = .string(policy.rawValue) }
                return .object(entry)
            }),
        ])
        return manifest.jsonText
    }
}

/// How a subscriber's queue treats an event when it is full.
public enum DeliveryPolicy: String, Sendable, Hashable, CaseIterable, Decodable {
    /// Telemetry: the oldest queued event of this policy is dropped (and counted).
    case dropOldest = "drop_oldest"
    /// Commands and acks: never dropped; the publisher is slowed down instead.
    case lossless
}

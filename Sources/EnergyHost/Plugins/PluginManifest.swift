public import AdapterKit

/// The manifest a library's descriptor carries (adapterkit.h, `manifest_json`).
public struct PluginManifest: Sendable {
    /// One sentence describing the adapter (the manifest's `description`).
    public var summary: String
    package var configSchema: JSONValue
    /// The streams it publishes on and their kinds (informational).
    public var publishes: [AdapterDescription.Publication]
    /// Default subscriptions, with `{site}` and `{adapter}` placeholders.
    public var subscriptions: [SubscriptionConfiguration]

    /// The config schema as JSON text.
    public var configSchemaJSON: String { configSchema.jsonText }

    /// Parses the manifest; the error says which part is wrong.
    init(json: String) throws(ManifestError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(json)
        } catch {
            throw ManifestError(message: "\(error)")
        }
        guard case .object(let members) = value else { throw ManifestError(message: "not a JSON object") }
        guard let schema = members["config_schema"], schema.objectValue != nil else {
            throw ManifestError(message: "config_schema is missing or not an object")
        }
        self.summary = members["description"]?.stringValue ?? ""
        self.configSchema = schema
        var publishes: [AdapterDescription.Publication] = []
        for (index, entry) in (members["publishes"]?.arrayValue ?? []).enumerated() {
            guard let stream = entry["stream"]?.stringValue, let kind = entry["kind"]?.stringValue else {
                throw ManifestError(message: "publishes[\(index)] needs \"stream\" and \"kind\" strings")
            }
            publishes.append(.init(stream: stream, kind: EventKind(rawValue: kind)))
        }
        var subscriptions: [SubscriptionConfiguration] = []
        for (index, entry) in (members["subscriptions"]?.arrayValue ?? []).enumerated() {
            guard let topic = entry["topic"]?.stringValue, Topic.problem(in: topic, isFilter: true) == nil else {
                throw ManifestError(message: "subscriptions[\(index)].topic is missing or not a valid filter")
            }
            let policy = entry["policy"]?.stringValue.flatMap(DeliveryPolicy.init(rawValue:))
            subscriptions.append(.init(topic: topic, policy: policy ?? SubscriptionConfiguration.defaultPolicy(for: topic)))
        }
        self.publishes = publishes
        self.subscriptions = subscriptions
    }

    struct ManifestError: Error {
        var message: String
    }
}

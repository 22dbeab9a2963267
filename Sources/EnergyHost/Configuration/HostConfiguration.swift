public import AdapterKit
public import Logging

/// A validated adapters.json: host settings, then sites with their adapter instances.
public struct HostConfiguration: Sendable {
    /// The `host` settings.
    public var host: HostSettings
    /// The sites, in file order.
    public var sites: [SiteConfiguration]

    /// Every adapter instance with its site.
    public var instances: [AdapterInstanceConfiguration] { sites.flatMap(\.adapters) }
}

/// The `host` object of adapters.json.
public struct HostSettings: Sendable {
    /// Names this gateway in logs and metrics.
    public var id: String
    /// Root of the instances' data directories (`{data_dir}/{site}/{adapter}/`).
    public var dataDirectory: String
    /// Where `lib<Name>.so` are looked for; nil means next to the executable.
    public var pluginDirectory: String?
    /// Where the admin HTTP API listens; nil disables it.
    public var adminListen: ListenAddress?
    /// Who may send commands through the admin API.
    public var operators: [AdminOperator] = []
    /// How long a command sent through the admin API waits for its acknowledgement.
    public var commandTimeout: Duration = .seconds(10)
    /// The least severe level logged.
    public var logLevel: Logger.Level
    /// How long a graceful shutdown may take before adapters are abandoned.
    public var shutdownTimeout: Duration
    /// The directory of the configuration file; relative paths resolve against it.
    public var configurationDirectory: String
}

/// A `host:port` to listen on.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host name or IP address, without brackets for IPv6.
    public var host: String
    /// The TCP port (0 lets the system choose one).
    public var port: Int

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses `127.0.0.1:9480`, `localhost:9480` or `[::1]:9480`.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }
}

/// One site and its adapters.
public struct SiteConfiguration: Sendable {
    /// The site id, unique in the file; the `{site}` level of topics.
    public var id: String
    /// An optional display name.
    public var name: String?
    /// The site's adapter instances, in file order.
    public var adapters: [AdapterInstanceConfiguration]
}

/// One adapter instance.
public struct AdapterInstanceConfiguration: Sendable {
    /// Unique within the site.
    public var id: String
    /// The id of the site it belongs to.
    public var siteID: String
    /// The adapter type: the host loads `lib<plugin>.so`.
    public var plugin: String
    /// The instance's configuration, secrets resolved, as given to the adapter.
    package var config: JSONValue
    /// Topic filters this instance receives; nil means the plugin's default subscriptions.
    public var subscriptions: [SubscriptionConfiguration]?
    /// Capacity of the instance's delivery queue.
    public var queueCapacity: Int
    /// When and how fast it is restarted after its run ends.
    public var restart: RestartPolicy
    /// `sites[i].adapters[j]`, for messages.
    public var path: String

    /// The instance's config JSON text, as handed to the adapter.
    public var configJSON: String { config.jsonText }
}

/// A topic filter an instance subscribes to, with its delivery policy.
public struct SubscriptionConfiguration: Sendable, Hashable {
    /// The MQTT topic filter (`+` and `#` wildcards allowed).
    public var topic: String
    /// How the subscriber's queue treats these events when it is full.
    public var policy: DeliveryPolicy

    /// Creates a subscription to `topic` with `policy`.
    public init(topic: String, policy: DeliveryPolicy) {
        self.topic = topic
        self.policy = policy
    }

    /// The policy a filter gets when none is given: lossless for command and ack streams.
    public static func defaultPolicy(for topic: String) -> DeliveryPolicy {
        let last = topic.split(separator: "/").last
        return last == "commands" || last == "acks" ? .lossless : .dropOldest
    }
}

/// When and how fast a stopped adapter is started again.
public struct RestartPolicy: Sendable, Hashable {
    /// Which endings of an adapter's run lead to a restart.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// Restart after a failure (run threw, or create failed).
        case onFailure = "on_failure"
        /// Restart whenever run returns before shutdown, failure or not.
        case always
        /// Never restart.
        case never
    }

    /// Which run endings lead to a restart (default `on_failure`).
    public var mode: Mode
    /// Consecutive failed starts before giving up (state `failed`).
    public var maxRestarts: Int
    /// The delay before the first restart (default 500 ms); it doubles with each consecutive one.
    public var initialBackoff: Duration
    /// The longest delay between restarts (default 30 s).
    public var maxBackoff: Duration

    /// `on_failure`, at most 10 restarts, backoff from 500 ms doubling up to 30 s.
    public static let `default` = RestartPolicy(
        mode: .onFailure,
        maxRestarts: 10,
        initialBackoff: .milliseconds(500),
        maxBackoff: .seconds(30)
    )

    /// The delay before restart number `attempt` (from 1): doubling from the initial backoff.
    public func backoff(attempt: Int) -> Duration {
        var delay = initialBackoff
        for _ in 1..<max(attempt, 1) where delay < maxBackoff { delay *= 2 }
        return min(delay, maxBackoff)
    }
}

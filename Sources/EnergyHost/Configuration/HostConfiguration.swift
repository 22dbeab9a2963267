public import AdapterKit
public import AdapterKitHTTPCore
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
    /// Where `lib<Name>.so` are looked for, in order; the executable's directory is searched last.
    public var pluginDirectories: [String]
    /// Where the admin HTTP API listens; nil disables it.
    public var adminListen: ListenAddress?
    /// Who may send commands through the admin API.
    public var operators: [AdminOperator] = []
    /// How long a command sent through the admin API waits for its acknowledgement.
    public var commandTimeout: Duration = .seconds(10)
    /// The admin API's idle timeout and connection limit.
    public var adminLimits = HTTPConnectionLimits()
    /// The least severe level logged.
    public var logLevel: Logger.Level
    /// The resident memory above which the host raises `memory_high` and reports degraded health.
    public var memoryLimit: Int?
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

    /// Whether only this machine can reach it: `localhost`, `127.0.0.0/8` or `::1`.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Parses `127.0.0.1:9480`, `localhost:9480` or `[::1]:9480`; nil when malformed.
    public init?(_ text: String) {
        guard case .success(let address) = Self.parse(text) else { return nil }
        self = address
    }

    private init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Why a listen address is malformed.
    public struct Problem: Error, Sendable, Hashable {
        /// The reason, in words (`port 99999 is out of range 0–65535`).
        public var reason: String
    }

    /// Parses `host:port`: an IPv4 address, a host name, or an IPv6 address in brackets.
    public static func parse(_ text: String) -> Result<ListenAddress, Problem> {
        guard let colon = text.lastIndex(of: ":") else {
            return .failure(Problem(reason: "not host:port (no port)"))
        }
        let portText = text[text.index(after: colon)...]
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber) else {
            return .failure(Problem(reason: "not host:port (\"\(portText)\" is not a port number)"))
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            return .failure(Problem(reason: "port \(portText) is out of range 0–65535"))
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            guard host.contains(":"), host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return .failure(Problem(reason: "\"[\(host)]\" is not an IPv6 address"))
            }
            return .success(ListenAddress(host: host, port: port))
        }
        guard !host.isEmpty else { return .failure(Problem(reason: "not host:port (no host)")) }
        if host.contains(":") {
            return .failure(Problem(reason: "not host:port (an IPv6 address goes in brackets, [::1]:9480)"))
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
            guard labels.count == 4, labels.allSatisfy({ Int($0).map { (0...255).contains($0) } ?? false }) else {
                return .failure(Problem(reason: "\"\(host)\" is not an IPv4 address"))
            }
            return .success(ListenAddress(host: host, port: port))
        }
        let validName = labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        guard validName, host.count <= 253 else {
            return .failure(Problem(reason: "\"\(host)\" is not a host name or IP address"))
        }
        return .success(ListenAddress(host: host, port: port))
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
    /// The adapters of its site that may publish on its command stream, besides operators.
    public var acceptCommandsFrom: [String]
    /// How long a call into it (its start, a delivery) may take before it is reported blocked.
    public var watchdog: Duration
    /// When and how fast it is restarted after its run ends.
    public var restart: RestartPolicy
    /// Where it runs: in the host's process, or in a runner process of its own.
    public var isolation: InstanceIsolation
    /// The limits of its runner process (`isolation: "process"` only).
    package var limits: RunnerLimits
    /// `sites[i].adapters[j]`, for messages.
    public var path: String

    /// The instance's config JSON text, as handed to the adapter.
    public var configJSON: String { config.jsonText }
}

/// Where an adapter instance runs.
public enum InstanceIsolation: String, Sendable, Decodable, CaseIterable {
    /// In the host's process (the default): the fastest, but a crash of the adapter is the host's.
    case inProcess = "in_process"
    /// In a runner process of its own, which may crash, hang or leak without harming the host.
    case process
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
    public enum Mode: String, Sendable, Hashable, CaseIterable, Decodable {
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

    /// The delay before restart number `attempt` (from 1): doubling from the initial backoff.
    public func backoff(attempt: Int) -> Duration {
        var delay = initialBackoff
        for _ in 1..<max(attempt, 1) where delay < maxBackoff { delay *= 2 }
        return min(delay, maxBackoff)
    }
}

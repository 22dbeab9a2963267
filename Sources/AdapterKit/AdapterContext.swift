public import Logging

/// Everything an adapter instance gets from its host: identity, a logger, a clock, a data
/// directory, and the way to publish events.
///
/// A value type: copy it freely. Fields may be added in later versions.
public struct AdapterContext: Sendable {
    /// The site this instance belongs to (adapters.json `sites[].id`).
    public let siteID: String
    /// The instance id (adapters.json `sites[].adapters[].id`), unique in its site.
    public let instanceID: String
    /// A directory reserved for this instance's files; it exists.
    public let dataDirectory: String
    /// The directory of the host's configuration file.
    public let configurationDirectory: String
    /// Logs through the host, with `site` and `adapter.id` metadata added there.
    public var logger: Logger
    /// The clock for timers and timeouts; tests inject a manual one.
    public let clock: any Clock<Duration>
    /// The wall clock for event times; tests inject a fixed one.
    public let now: @Sendable () -> EventTime
    package let link: any HostLink

    package init(
        siteID: String,
        instanceID: String,
        dataDirectory: String,
        configurationDirectory: String,
        logger: Logger,
        clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> EventTime = { EventTime.now() },
        link: any HostLink
    ) {
        self.siteID = siteID
        self.instanceID = instanceID
        self.dataDirectory = dataDirectory
        self.configurationDirectory = configurationDirectory
        self.logger = logger
        self.clock = clock
        self.now = now
        self.link = link
    }

    /// This instance's topic for `stream`: `sites/{site}/{adapter}/{stream}`.
    public func topic(_ stream: String) -> String {
        "sites/\(siteID)/\(instanceID)/\(stream)"
    }

    /// `path` as an absolute path: relative paths resolve against the configuration's directory.
    public func resolvePath(_ path: String) -> String {
        ConfigurationPaths.resolve(path, against: configurationDirectory)
    }

    /// Publishes `payload` on this instance's `stream`, stamped `time` (default: now).
    /// Waits while a lossless subscriber asks publishers to slow down.
    public func publish<Payload: EventPayload>(_ payload: Payload, stream: String, time: EventTime? = nil) async throws {
        try await publish(Event(topic: topic(stream), payload: payload, time: time ?? now()))
    }

    /// Publishes `payload` on any `topic` (commands to another adapter, for instance).
    public func publish<Payload: EventPayload>(_ payload: Payload, topic: String, time: EventTime? = nil) async throws {
        try await publish(Event(topic: topic, payload: payload, time: time ?? now()))
    }

    /// Publishes an event; waits while a lossless subscriber asks publishers to slow down.
    /// The host sets `source` and `sequence`.
    public func publish(_ event: Event) async throws {
        guard try publishNow(event) == .backpressure else { return }
        try await waitUntilPublishReady()
    }

    /// Waits until no lossless subscriber asks this instance to slow down any more.
    public func waitUntilPublishReady() async throws {
        var pause = Duration.microseconds(50)
        while !link.isPublishReady() {
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(10))
        }
    }

    /// Publishes an event without waiting, for synchronous code. The event is accepted when this
    /// returns; ``PublishOutcome/backpressure`` asks the caller to slow down.
    @discardableResult
    public func publishNow(_ event: Event) throws -> PublishOutcome {
        let outcome = link.publish(event)
        switch outcome {
        case .accepted, .backpressure:
            return outcome
        case .stopped:
            throw AdapterError(.stopped, "\(instanceID) is not running; event on \(event.topic) refused")
        case .overloaded:
            throw AdapterError(.overloaded, "a lossless subscriber of \(event.topic) is full; event refused")
        case .invalid:
            throw AdapterError(
                .invalidEvent,
                "event refused by the host on \"\(event.topic)\": an invalid topic or kind, or another adapter's command stream that does not accept this adapter (accept_commands_from)"
            )
        }
    }
}

/// What the host said to a publish.
public enum PublishOutcome: Sendable, Hashable {
    /// Accepted.
    case accepted
    /// Accepted; a lossless subscriber is over its watermark, slow down.
    case backpressure
    /// Refused: the instance is not running.
    case stopped
    /// Refused: a lossless subscriber reached its hard limit.
    case overloaded
    /// Refused: malformed topic or kind.
    case invalid
}

/// The host as an instance sees it: the C host services for a loaded library, or an in-memory host
/// in tests.
package protocol HostLink: Sendable {
    func publish(_ event: Event) -> PublishOutcome
    func isPublishReady() -> Bool
    func log(level: Logger.Level, message: String, metadata: [(String, String)])
    func record(_ sample: MetricSample)
}

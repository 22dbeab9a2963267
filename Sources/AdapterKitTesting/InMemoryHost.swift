public import AdapterKit
import Foundation
import Synchronization

/// A host in memory, to unit-test an adapter type without building or loading a library.
///
/// It decodes the configuration exactly as a loaded library does (schema defaults and
/// validation), records what the adapter publishes and logs, refuses publishes once the adapter's
/// `run()` returned, and delivers events the way the real host does (in order, one batch at a time).
///
/// ```swift
/// let host = try InMemoryHost()
/// let adapter = try host.makeAdapter(RecorderAdapter.self, configuration: #"{"path": "out.jsonl"}"#)
/// try await host.run(adapter) { host in
///     try await host.deliver([event], to: adapter)
/// }
/// ```
public final class InMemoryHost: Sendable {
    /// A log line the adapter wrote.
    public struct LogRecord: Sendable, Hashable {
        /// The level it was logged at.
        public var level: Logger.Level
        /// The log message.
        public var message: String
        /// The logger's and the call's metadata merged, values rendered as strings.
        public var metadata: [String: String]
    }

    /// The site id the adapter's context reports (default `test-site`).
    public let siteID: String
    /// The instance id in the context and the `source` of published events (default `under-test`).
    public let instanceID: String
    /// The instance's data directory: a fresh temporary directory per host unless given.
    public let dataDirectory: String
    /// The directory relative paths resolve against (default: the current directory).
    public let configurationDirectory: String
    private let link: RecordingLink
    private let clock: any Clock<Duration>
    private let now: @Sendable () -> EventTime

    /// Creates a host and its data directory; `clock` and `now` let tests control time. Give
    /// `dataDirectory` to run an instance again on the state an earlier one left (a restart).
    /// `onPublish` sees each accepted event at the moment it is published, on the adapter's
    /// thread, before the publish returns: to check what must already be true when an event leaves.
    public init(
        siteID: String = "test-site",
        instanceID: String = "under-test",
        configurationDirectory: String? = nil,
        dataDirectory: String? = nil,
        clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> EventTime = { EventTime.now() },
        onPublish: (@Sendable (Event) -> Void)? = nil
    ) throws {
        self.siteID = siteID
        self.instanceID = instanceID
        self.configurationDirectory = configurationDirectory ?? FileManager.default.currentDirectoryPath
        self.clock = clock
        self.now = now
        self.dataDirectory = dataDirectory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("adapterkit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: self.dataDirectory, withIntermediateDirectories: true)
        self.link = RecordingLink(instanceID: instanceID, onPublish: onPublish)
    }

    /// The context an adapter created by this host receives.
    public var context: AdapterContext {
        var logger = Logger(label: "\(siteID).\(instanceID)") { [link] _ in HostLogHandler(link: link) }
        logger.logLevel = .trace
        return AdapterContext(
            siteID: siteID,
            instanceID: instanceID,
            dataDirectory: dataDirectory,
            configurationDirectory: configurationDirectory,
            logger: logger,
            clock: clock,
            now: now,
            link: link
        )
    }

    /// The problems `energy-host validate` would report for this configuration JSON (the schema's,
    /// then the adapter's own ``Adapter/validate(_:in:)``); empty when it is fine.
    public func validate<A: Adapter>(_ type: A.Type, configuration json: String) -> [ConfigurationIssue] {
        let environment = ValidationEnvironment(
            siteID: siteID, instanceID: instanceID, dataDirectory: dataDirectory, configurationDirectory: configurationDirectory
        )
        return AdapterConfigurations.issues(A.self, json: json, environment: environment)
    }

    /// Creates an adapter from configuration JSON, as a loaded library would.
    public func makeAdapter<A: Adapter>(_ type: A.Type, configuration json: String) throws -> A {
        let environment = ValidationEnvironment(
            siteID: siteID, instanceID: instanceID, dataDirectory: dataDirectory, configurationDirectory: configurationDirectory
        )
        let configuration = try AdapterConfigurations.make(A.self, json: json, environment: environment)
        link.serve(typeName: A.description.typeName)
        return try A(configuration: configuration, context: context)
    }

    /// Runs `adapter` while `body` runs, then triggers its graceful shutdown and waits for it.
    /// Rethrows what `run()` threw.
    public func run<A: Adapter>(_ adapter: A, during body: (InMemoryHost) async throws -> Void) async throws {
        link.setRunning(true)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(
                        service: AdapterService(adapter, instanceID: instanceID),
                        successTerminationBehavior: .gracefullyShutdownGroup
                    )
                ],
                logger: context.logger
            )
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { self.link.setRunning(false) }
                try await group.run()
            }
            do {
                try await body(self)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// Delivers a batch the way the host does.
    public func deliver<A: Adapter>(_ events: [Event], to adapter: A) async throws {
        try await adapter.handle(batch: events)
    }

    /// What the adapter published, stamped with source and sequence as the host would.
    public var published: [Event] { link.published }

    /// What the adapter logged.
    public var logs: [LogRecord] { link.logs }

    /// The current value of the adapter's counter or gauge `name` with exactly `labels`, or nil
    /// when it never recorded it (counters: the sum of their increments). As in the host, an
    /// adapter made by ``makeAdapter(_:configuration:)`` has its names outside its type's namespace
    /// (`tic_…` for `TIC`) refused, with a warning in ``logs``.
    public func metric(_ name: String, labels: [String: String] = [:]) -> Double? {
        link.metric(name, labels: labels)
    }

    /// Waits until at least `count` events were published, or `timeout` passed; returns them.
    public func waitForPublished(count: Int, timeout: Duration = .seconds(5)) async -> [Event] {
        let deadline = ContinuousClock.now + timeout
        while link.published.count < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return link.published
    }
}

/// Records publishes and logs; refuses publishes outside `run()`.
private final class RecordingLink: HostLink {
    private struct State {
        var running = false
        var published: [Event] = []
        var logs: [InMemoryHost.LogRecord] = []
        var metrics: [String: [[String: String]: Double]] = [:]
        /// The adapter type's metric prefix, once ``InMemoryHost/makeAdapter(_:configuration:)`` knows it.
        var metricPrefix: String?
    }

    private let instanceID: String
    private let state = Mutex(State())
    private let onPublish: (@Sendable (Event) -> Void)?

    init(instanceID: String, onPublish: (@Sendable (Event) -> Void)?) {
        self.instanceID = instanceID
        self.onPublish = onPublish
    }

    var published: [Event] { state.withLock { $0.published } }
    var logs: [InMemoryHost.LogRecord] { state.withLock { $0.logs } }

    func setRunning(_ running: Bool) {
        state.withLock { $0.running = running }
    }

    func publish(_ event: Event) -> PublishOutcome {
        guard Topic.problem(in: event.topic, isFilter: false) == nil, !event.kind.rawValue.isEmpty else {
            return .invalid
        }
        // A bridge keeps the original publisher, never an operator or the host (as the real host).
        if event.isBridged, event.source.isEmpty || event.source == Event.operatorSource || event.source == Event.hostSource {
            return .invalid
        }
        let accepted = state.withLock { state -> Event? in
            guard state.running else { return nil }
            var event = event
            if event.isBridged {
                event.via = instanceID
            } else {
                event.source = instanceID
            }
            event.sequence = UInt64(state.published.count + 1)
            state.published.append(event)
            return event
        }
        guard let accepted else { return .stopped }
        onPublish?(accepted)
        return .accepted
    }

    func isPublishReady() -> Bool { true }

    func log(level: Logger.Level, message: String, metadata: [(String, String)]) {
        let record = InMemoryHost.LogRecord(
            level: level,
            message: message,
            metadata: Dictionary(metadata, uniquingKeysWith: { $1 })
        )
        state.withLock { $0.logs.append(record) }
    }

    /// The adapter type whose instance this link serves: its metric names must begin with its namespace.
    func serve(typeName: String) {
        state.withLock { $0.metricPrefix = MetricSample.namespace(of: typeName) + "_" }
    }

    func record(_ sample: MetricSample) {
        state.withLock { state in
            // As the host: a name outside the adapter type's namespace is refused, and said.
            if let prefix = state.metricPrefix, sample.name != MetricSample.degradedGauge, !sample.name.hasPrefix(prefix) {
                let message = "adapter metric refused: \"\(sample.name)\" does not begin with \"\(prefix)\""
                if !state.logs.contains(where: { $0.message == message }) {
                    state.logs.append(InMemoryHost.LogRecord(level: .warning, message: message, metadata: [:]))
                }
                return
            }
            let current = state.metrics[sample.name]?[sample.labels] ?? 0
            state.metrics[sample.name, default: [:]][sample.labels] = sample.kind == .counter ? current + sample.value : sample.value
        }
    }

    func metric(_ name: String, labels: [String: String]) -> Double? {
        state.withLock { $0.metrics[name]?[labels] }
    }
}

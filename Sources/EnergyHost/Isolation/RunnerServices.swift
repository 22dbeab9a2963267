import AdapterKit
import Logging
import Synchronization

/// The host services as an instance sees them inside a runner: each call becomes a message to the
/// host. Publishing never waits on the socket: up to ``window`` publishes may be on their way to
/// the host; past that, or while the host reports a lossless subscriber pressing back, the
/// instance is told to slow down, then refused until the host has caught up, as in the host.
final class RunnerServices: InstanceServices {
    /// How many publishes may await the host's acknowledgement.
    static let window = 4096

    let instanceID: String
    let siteID: String
    let logger: Logger
    private let channel: FramedChannel
    private let running = Atomic<Bool>(false)
    private let flow = Mutex(Flow())

    private struct Flow {
        var inFlight = 0
        var hostReady = true
    }

    init(creation: RunnerMessage.Creation, channel: FramedChannel) {
        self.instanceID = creation.instanceID
        self.siteID = creation.siteID
        self.channel = channel
        var logger = Logger(label: creation.instanceID) { _ in RunnerLogHandler(channel: channel) }
        logger.logLevel = creation.minimumLevel
        self.logger = logger
    }

    var isRunning: Bool {
        get { running.load(ordering: .acquiring) }
        set { running.store(newValue, ordering: .releasing) }
    }

    func publish(_ event: Event) -> PublishOutcome {
        guard isRunning else { return .stopped }
        guard !event.topic.isEmpty, !event.kind.rawValue.isEmpty,
            !event.topic.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") })
        else { return .invalid }
        let outcome = flow.withLock { flow -> PublishOutcome in
            guard flow.inFlight < Self.window else { return .overloaded }
            flow.inFlight += 1
            // Sent under the lock: publishes from several threads keep the order they were counted in.
            channel.send(.publish(event))
            return flow.hostReady && flow.inFlight <= Self.window / 2 ? .accepted : .backpressure
        }
        return outcome
    }

    func isPublishReady() -> Bool {
        flow.withLock { $0.hostReady && $0.inFlight <= Self.window / 2 }
    }

    func record(_ sample: MetricSample) {
        channel.send(.metric(sample))
    }

    /// The host routed `count` publishes.
    func acknowledge(_ count: UInt32, ready: Bool) {
        flow.withLock { flow in
            flow.inFlight = max(0, flow.inFlight - Int(count))
            flow.hostReady = ready
        }
    }
}

/// Sends a runner's log lines to the host, which logs them under the instance's logger.
private struct RunnerLogHandler: LogHandler {
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    let channel: FramedChannel

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        channel.send(.log(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
    }
}

import AdapterKit
import Logging

/// The messages between the host and an adapter's runner process: the ABI's calls and their
/// completions one way, the host services the other (``RunnerWire`` encodes them).
enum RunnerMessage: Sendable {
    /// What the library's create needs.
    struct Creation: Sendable, Equatable {
        var configJSON: String
        var siteID: String
        var instanceID: String
        var dataDirectory: String
        var configurationDirectory: String
        var minimumLevel: Logger.Level
    }

    // Host → runner.
    case create(Creation)
    case start
    case deliver(id: UInt64, events: [Event])
    case stop
    case destroy
    /// The host routed `count` more of the runner's publishes; `ready` is false while a lossless
    /// subscriber presses back on the instance.
    case publishAcknowledged(count: UInt32, ready: Bool)
    /// Are you there? (answered by ``pong``, whatever the instance is doing).
    case ping

    // Runner → host.
    /// The library's create returned: nil, or why it failed (`invalidConfiguration` when the
    /// adapter refused its configuration for good).
    case created(failure: String?, invalidConfiguration: Bool)
    case started(Bool)
    case delivered(id: UInt64, handled: Bool)
    case runDone(AdapterRunOutcome)
    case publish(Event)
    case log(level: Logger.Level, message: String, metadata: [String: String])
    case metric(MetricSample)
    case destroyed
    case pong
}

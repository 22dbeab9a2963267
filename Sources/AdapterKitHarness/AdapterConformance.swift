import AdapterKit
import EnergyHost
import Foundation

/// The checks every adapter library must pass, through the host's real loader and the C ABI:
///
/// 1. it refuses an invalid configuration, with a message;
/// 2. it starts, and keeps running;
/// 3. it survives being delivered events it does not understand (unknown kinds, garbage payloads);
/// 4. it stops cleanly when asked, within the deadline;
/// 5. it publishes nothing after its run ended.
///
/// ```swift
/// @Test func conformance() async throws {
///     try await AdapterConformance(typeName: "Recorder", validConfiguration: "{}",
///                                  invalidConfiguration: #"{"max_bytes": "big"}"#).run()
/// }
/// ```
public struct AdapterConformance: Sendable {
    /// The problems found; thrown when there is at least one.
    public struct Failure: Error, CustomStringConvertible {
        /// The adapter type that failed.
        public var typeName: String
        /// One sentence per failed check.
        public var problems: [String]
        public var description: String {
            "\(typeName) fails conformance:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
        }
    }

    /// The adapter type under test; its library is `lib<typeName>.so`.
    public var typeName: String
    /// A `config` JSON the adapter must accept and run with.
    public var validConfiguration: String
    /// A `config` JSON the adapter must refuse, with a message.
    public var invalidConfiguration: String
    /// Where the library is looked for (default: the built products directory).
    public var directory: String
    /// How long the adapter may take to stop once asked (default 5 seconds).
    public var stopDeadline: Duration
    /// Where the instances run (default: in this process).
    public var isolation: PluginHarness.Isolation

    /// Describes the checks of one adapter type; nothing runs until ``run()``.
    public init(
        typeName: String,
        validConfiguration: String,
        invalidConfiguration: String,
        directory: String = PluginHarness.builtProductsDirectory,
        stopDeadline: Duration = .seconds(5),
        isolation: PluginHarness.Isolation = .inProcess
    ) {
        self.isolation = isolation
        self.typeName = typeName
        self.validConfiguration = validConfiguration
        self.invalidConfiguration = invalidConfiguration
        self.directory = directory
        self.stopDeadline = stopDeadline
    }

    /// Runs every check; throws a ``Failure`` listing all the problems found.
    public func run() async throws {
        let harness = try PluginHarness(typeName: typeName, directory: directory, isolation: isolation)
        var problems: [String] = []
        do {
            let refused = try await harness.makeInstance(configuration: invalidConfiguration)
            refused.destroy()
            problems.append("accepted the invalid configuration \(invalidConfiguration)")
        } catch let error as PluginLoadError {
            if error.code != .invalidConfiguration {
                problems.append("refused the invalid configuration as \(error.code), not as an invalid configuration (AK_ERR_INVALID_CONFIG): the host would restart it in vain (\(error))")
            }
            if error.message.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("refused the invalid configuration without a message (\(error))")
            }
        }
        let instance = try await harness.makeInstance(configuration: validConfiguration)
        var stopRequested = ContinuousClock.now
        let outcome = try await instance.run { instance in
            try await Task.sleep(for: .milliseconds(200))
            if instance.hasFinished { problems.append("its run ended on its own right after start") }
            if !(await instance.deliver(Self.unknownEvents)) { problems.append("refused a delivery while running") }
            try await Task.sleep(for: .milliseconds(100))
            if instance.hasFinished { problems.append("its run ended after being delivered unknown events") }
            stopRequested = ContinuousClock.now
        }
        let stopDuration = ContinuousClock.now - stopRequested
        if case .failed(let message) = outcome { problems.append("its run failed: \(message)") }
        if stopDuration > stopDeadline { problems.append("took \(stopDuration) to stop (deadline \(stopDeadline))") }
        let publishedAtEnd = instance.publishedCount
        try await Task.sleep(for: .milliseconds(300))
        if instance.publishedCount != publishedAtEnd {
            problems.append("published \(instance.publishedCount - publishedAtEnd) events after its run ended")
        }
        instance.destroy()
        if !problems.isEmpty { throw Failure(typeName: typeName, problems: problems) }
    }

    /// Events no adapter should choke on.
    static let unknownEvents: [Event] = [
        Event(topic: "sites/test-site/other/x", kind: "conformance.unknown", time: .now(), payload: [0xFF, 0x00, 0x13]),
        Event(topic: "sites/test-site/other/measurements", kind: .measurement, time: .now(), payload: [0xFF, 0xFF, 0xFF, 0x07]),
        Event(topic: "sites/test-site/other/commands", kind: .command, time: .now(), payload: []),
        Event(topic: "sites/test-site/other/alarms", kind: .alarm, time: .now(), payload: Array(repeating: 0x0A, count: 64)),
    ]
}

public import AdapterKit
public import EnergyHost
import Foundation
import Logging
import Synchronization

/// Loads a built adapter library through the host's real loader and drives one instance through
/// the C ABI, with a real bus: what the host does, without a configuration file.
public struct PluginHarness: Sendable {
    /// Where the harness's instances run.
    public enum Isolation: Sendable {
        /// In the test's own process, as `isolation: "in_process"`.
        case inProcess
        /// In a runner process started from `runner` (a built `energy-host`), as
        /// `isolation: "process"`.
        case process(runner: String)
    }

    /// The library, loaded and checked by the host's real loader.
    public let plugin: LoadedPlugin
    /// Where the instances run (default: in this process).
    public var isolation: Isolation = .inProcess
    /// The bus the instances publish on.
    public let bus = EventBus()
    private let metrics = HostMetrics()

    /// Where SwiftPM put the libraries of the running test or benchmark binary.
    public static var builtProductsDirectory: String { PluginLoader.executableDirectory }

    /// Loads `lib<typeName>.so` from `directory` (default: the built products).
    public init(typeName: String, directory: String = PluginHarness.builtProductsDirectory, isolation: Isolation = .inProcess) throws {
        plugin = try PluginLoader(directory: directory).load(typeName: typeName)
        self.isolation = isolation
    }

    /// Loads the library at `path`.
    public init(libraryPath: String) throws {
        plugin = try PluginLoader(directory: URL(fileURLWithPath: libraryPath).deletingLastPathComponent().path)
            .load(path: libraryPath)
    }

    /// The Prometheus exposition of the instances' metrics (the host's and those the adapter records).
    public func metricsExposition() -> String {
        metrics.exposition()
    }

    /// A queue receiving every event on the bus matching `filter`.
    public func observe(_ filter: String = "#", capacity: Int = 100_000, policy: DeliveryPolicy = .lossless)
        -> SubscriberQueue
    {
        let queue = SubscriberQueue(name: "observer \(filter)", capacity: capacity)
        bus.subscribe(queue, filter: filter, policy: policy)
        return queue
    }

    /// Creates an instance; throws ``PluginLoadError`` with the adapter's message when it refuses.
    public func makeInstance(id: String = "under-test", site: String = "test-site", configuration: String) async throws
        -> HarnessInstance
    {
        let source = InstanceSource(
            instanceID: id,
            siteID: site,
            bus: bus,
            logger: Logger(label: "\(site).\(id)"),
            metrics: metrics.adapter(site: site, id: id, plugin: plugin.typeName)
        )
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("harness-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let instance: any AdapterInstance
        switch isolation {
        case .inProcess:
            instance = try await PluginInstance.create(
                plugin: plugin,
                configJSON: configuration,
                source: source,
                dataDirectory: directory,
                configurationDirectory: FileManager.default.currentDirectoryPath,
                minimumLevel: .info,
                clock: ContinuousClock()
            )
        case .process(let runner):
            instance = try await ProcessInstance.create(
                plugin: plugin,
                configJSON: configuration,
                source: source,
                dataDirectory: directory,
                configurationDirectory: FileManager.default.currentDirectoryPath,
                minimumLevel: .info,
                limits: RunnerLimits(),
                runnerExecutable: runner,
                clock: ContinuousClock()
            )
        }
        return HarnessInstance(instance: instance, source: source, dataDirectory: directory)
    }
}

/// One instance created by a ``PluginHarness``.
public final class HarnessInstance: Sendable {
    /// How the instance's run ended.
    public enum Outcome: Sendable, Equatable {
        /// The run returned without an error.
        case stopped
        /// The run failed, or the library refused to start it; with the error's message.
        case failed(String)
    }

    /// The instance's own fresh temporary directory.
    public let dataDirectory: String
    private let instance: any AdapterInstance
    private let source: InstanceSource
    private let finished = Atomic<Bool>(false)

    init(instance: any AdapterInstance, source: InstanceSource, dataDirectory: String) {
        self.instance = instance
        self.source = source
        self.dataDirectory = dataDirectory
    }

    /// Events the bus accepted from this instance.
    public var publishedCount: Int { source.publishedCount }

    /// Whether the instance's run has ended.
    public var hasFinished: Bool { finished.load(ordering: .acquiring) }

    /// Starts the instance, runs `body`, asks the instance to stop and waits until it has.
    @discardableResult
    public func run(during body: (HarnessInstance) async throws -> Void) async throws -> Outcome {
        _ = await instance.start()
        return try await withThrowingTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                let outcome = await self.instance.waitUntilStopped()
                self.finished.store(true, ordering: .releasing)
                switch outcome {
                case .stopped: return .stopped
                case .failed(let message), .invalidConfiguration(let message): return .failed(message)
                }
            }
            do {
                try await body(self)
            } catch {
                instance.stop()
                throw error
            }
            instance.stop()
            var outcome = Outcome.stopped
            for try await result in group {
                if let result { outcome = result }
            }
            return outcome
        }
    }

    /// Delivers a batch through the ABI and waits until the instance handled it.
    @discardableResult
    public func deliver(_ events: [Event]) async -> Bool {
        await instance.deliver(events) == .delivered
    }

    /// Releases the instance (after its run ended).
    public func destroy() {
        instance.destroy()
    }
}

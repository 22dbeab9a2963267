import AdapterKit
import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization

/// Runs one adapter instance as a `Service`: creates and starts it, pumps its delivery queue into
/// it, restarts it with backoff by its policy, and on graceful shutdown stops it, waits until every
/// adapter stopped publishing, drains its queue into it and destroys it.
final class AdapterSupervisor: Service, Sendable {
    let configuration: AdapterInstanceConfiguration
    let plugin: LoadedPlugin
    let queue: SubscriberQueue
    private let bus: EventBus
    let subscriptions: [SubscriptionConfiguration]
    private let source: InstanceSource
    private let metrics: AdapterMetrics
    private let coordinator: ShutdownCoordinator
    private let dataDirectory: String
    private let configurationDirectory: String
    private let logLevel: Logger.Level
    private let clock: any Clock<Duration>
    private let logger: Logger
    private let hostAlarms: HostAlarms
    private let watchdog: CallWatchdog
    private let runnerExecutable: String
    private let state = Mutex(SupervisorState())
    /// Signalled when the service group asks this service to shut down (its turn comes in reverse
    /// order; the group treats a service ending before its turn as a failure).
    private let ownShutdownTurn = OneShot<Void>()
    /// Completed when a retired supervisor has stopped its instance and left the bus.
    private let retired = OneShot<Void>()

    private struct SupervisorState {
        var adapterState = AdapterState.starting
        /// The call the watchdog found late, until it completes.
        var blocked: CallWatchdog.Blocked?
        var restarts = 0
        var lastError: String?
        var current: (any AdapterInstance)?
        var shuttingDown = false
        /// Removed or changed by a reload: ends on its own, before the host does.
        var retiring = false
        /// An operator asked for a restart: the current instance stops, a new one starts at once.
        var restartRequested = false
        /// A batch taken from the queue that no instance accepted yet.
        var pending: [Event]?
        var shutdownWaiter: CheckedContinuation<Void, Never>?
        /// The restart backoff under way, cancelled by a shutdown.
        var backoff: Task<Void, Never>?

        /// What the admin API and metrics show: blocked while a call is late, else the state.
        var effectiveState: AdapterState { blocked == nil ? adapterState : .blocked }
    }

    private static let batchSize = 256

    init(
        configuration: AdapterInstanceConfiguration,
        plugin: LoadedPlugin,
        bus: EventBus,
        metrics: AdapterMetrics,
        coordinator: ShutdownCoordinator,
        dataDirectory: String,
        configurationDirectory: String,
        logLevel: Logger.Level,
        clock: any Clock<Duration>,
        hostAlarms: HostAlarms,
        runnerExecutable: String,
        logger: Logger
    ) {
        self.runnerExecutable = runnerExecutable
        self.clock = clock
        self.hostAlarms = hostAlarms
        self.watchdog = CallWatchdog(deadline: configuration.watchdog, clock: clock)
        self.configuration = configuration
        self.plugin = plugin
        self.metrics = metrics
        self.bus = bus
        self.coordinator = coordinator
        self.dataDirectory = dataDirectory
        self.configurationDirectory = configurationDirectory
        self.logLevel = logLevel
        self.logger = logger
        self.queue = SubscriberQueue(
            name: "\(configuration.siteID)/\(configuration.id)",
            capacity: configuration.queueCapacity,
            dropCounter: metrics.dropped
        )
        self.source = InstanceSource(
            instanceID: configuration.id,
            siteID: configuration.siteID,
            bus: bus,
            logger: logger,
            metrics: metrics
        )
        self.subscriptions = configuration.subscriptions ?? plugin.manifest.subscriptions.map {
            SubscriptionConfiguration(
                topic: Topic.expand($0.topic, site: configuration.siteID, adapter: configuration.id),
                policy: $0.policy
            )
        }
        for subscription in subscriptions {
            bus.subscribe(queue, filter: subscription.topic, policy: subscription.policy)
        }
        metrics.record(state: .starting)
        coordinator.onShutdown { [weak self] in self?.beginShutdown() }
    }

    /// The instance's state for the admin API.
    var status: AdapterStatus {
        let snapshot = state.withLock { ($0.effectiveState, $0.restarts, $0.lastError) }
        let statistics = queue.statistics
        metrics.queueDepth.set(to: Double(statistics.depth))
        return AdapterStatus(
            site: configuration.siteID,
            id: configuration.id,
            plugin: configuration.plugin,
            version: plugin.version,
            state: snapshot.0,
            restarts: snapshot.1,
            lastError: snapshot.2,
            degraded: source.isDegraded,
            published: Int(source.publishedCount),
            delivered: statistics.delivered,
            dropped: statistics.dropped,
            queueDepth: statistics.depth,
            subscriptions: subscriptions.map { "\($0.topic) (\($0.policy.rawValue))" }
        )
    }

    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                await self.watchdog.watch({ self.state.withLock { $0.current } }, report: self.reportBlocked)
            }
            // The handler must stay registered until this service's own turn in the group's
            // reverse-order shutdown, hence the whole lifecycle inside it. A cancellation (the
            // shutdown deadline passed, or the group cancelled because another service failed,
            // e.g. an admin address that cannot be bound) shuts down the same way instead of
            // waiting for a graceful shutdown that never comes, and abandons an instance still
            // busy in a call: it is reported and left alive, never waited for.
            await withTaskCancellationHandler {
                await supervisedLifecycle()
            } onCancel: {
                self.ownShutdownTurn.complete(())
                self.coordinator.begin()
                self.abandonCurrent()
            }
            group.cancelAll()
        }
    }

    /// Stops waiting for the current instance, reporting what it was still doing.
    private func abandonCurrent() {
        guard let instance = state.withLock({ $0.current }) else { return }
        if let call = instance.outstanding.oldest {
            logger.error(
                "adapter abandoned at shutdown",
                metadata: ["call": "\(call.operation)", "outstanding_s": "\(Self.format(call.elapsed))"]
            )
        }
        instance.abandon()
    }

    private func supervisedLifecycle() async {
        await withGracefulShutdownHandler {
            await supervise()
            await waitForShutdown()
            if state.withLock(\.retiring) {
                await leave()
                return
            }
            let failed = state.withLock { $0.adapterState == .failed }
            if !failed { set(.stopping) }
            await coordinator.arriveAndWait()
            await drain()
            if !failed { set(.stopped) }
            _ = await ownShutdownTurn.wait()
        } onGracefulShutdown: {
            self.ownShutdownTurn.complete(())
            self.coordinator.begin()
        }
    }

    // MARK: - Supervision loop

    private func supervise() async {
        var consecutiveFailures = 0
        while !isShuttingDown {
            set(.starting)
            let instance: any AdapterInstance
            do {
                instance = try await makeInstance()
            } catch where error.code == .invalidConfiguration {
                fail("invalid configuration: \(error.message)")
                return
            } catch {
                if isShuttingDown { return }
                consecutiveFailures += 1
                guard await backOff(after: error.message, failures: consecutiveFailures) else { return }
                continue
            }
            let shuttingDown = state.withLock { state in
                if !state.shuttingDown { state.current = instance }
                return state.shuttingDown
            }
            if shuttingDown {
                instance.destroy()
                return
            }
            set(.running)
            logger.info("adapter started", metadata: ["adapter.version": "\(plugin.version)"])
            let ranFor = Stopwatch(clock)
            let outcome = await runWithPump(instance)
            if isShuttingDown { return }
            if state.withLock({ state in defer { state.restartRequested = false }; return state.restartRequested }) {
                retire(instance)
                logger.notice("adapter restarted by an operator")
                state.withLock { $0.restarts += 1 }
                metrics.restarts.increment()
                consecutiveFailures = 0
                continue
            }
            if ranFor.elapsed > .seconds(60) { consecutiveFailures = 0 }
            switch (outcome, configuration.restart.mode) {
            case (.invalidConfiguration(let message), _):
                retire(instance)
                fail("invalid configuration: \(message)")
                return
            case (.stopped, .always), (.failed, .always), (.failed, .onFailure):
                retire(instance)
                consecutiveFailures += 1
                let message: String? = if case .failed(let message) = outcome { message } else { nil }
                guard await backOff(after: message, failures: consecutiveFailures) else { return }
            case (.failed(let message), .never):
                retire(instance)
                fail(message)
                return
            case (.stopped, _):
                retire(instance)
                logger.info("adapter ended")
                set(.stopped)
                stopReceiving()
                return
            }
        }
    }

    /// Creates the instance where its configuration says: in this process or in a runner.
    private func makeInstance() async throws(PluginLoadError) -> any AdapterInstance {
        switch configuration.isolation {
        case .inProcess:
            try await PluginInstance.create(
                plugin: plugin,
                configJSON: configuration.configJSON,
                source: source,
                dataDirectory: dataDirectory,
                configurationDirectory: configurationDirectory,
                minimumLevel: logLevel,
                clock: clock
            )
        case .process:
            try await ProcessInstance.create(
                plugin: plugin,
                configJSON: configuration.configJSON,
                source: source,
                dataDirectory: dataDirectory,
                configurationDirectory: configurationDirectory,
                minimumLevel: logLevel,
                limits: configuration.limits,
                runnerExecutable: runnerExecutable,
                clock: clock,
                answerDeadline: configuration.watchdog,
                exits: metrics.runnerExits
            )
        }
    }

    /// Starts the instance, then pumps the queue into it until its run ends.
    private func runWithPump(_ instance: any AdapterInstance) async -> AdapterRunOutcome {
        guard await instance.start() else { return await instance.waitUntilStopped() }
        return await withTaskGroup(of: AdapterRunOutcome?.self) { group in
            group.addTask { await self.pump(into: instance); return nil }
            group.addTask { await instance.waitUntilStopped() }
            var outcome = AdapterRunOutcome.stopped
            for await result in group {
                if let result {
                    outcome = result
                    group.cancelAll()
                }
            }
            return outcome
        }
    }

    /// Delivers queued batches in order until cancelled or the instance refuses one.
    private func pump(into instance: any AdapterInstance) async {
        while !Task.isCancelled {
            let batch: [Event]
            if let pending = state.withLock({ $0.pending }) {
                batch = pending
            } else if let next = await queue.next(maxCount: AdapterSupervisor.batchSize) {
                batch = next
            } else {
                return
            }
            state.withLock { $0.pending = batch }
            guard await instance.deliver(batch) == .delivered else { return }
            state.withLock { $0.pending = nil }
            queue.recordDelivered(batch.count)
            metrics.delivered.increment(by: Int64(batch.count))
        }
    }

    /// Waits the backoff before restart number `failures`; false when giving up or shutting down.
    private func backOff(after message: String?, failures: Int) async -> Bool {
        if let message {
            state.withLock { $0.lastError = message }
            logger.error("adapter failed", metadata: ["error": "\(message)", "failures": "\(failures)"])
        }
        guard failures <= configuration.restart.maxRestarts, configuration.restart.mode != .never else {
            fail(message ?? "stopped")
            return false
        }
        set(.restarting)
        let delay = configuration.restart.backoff(attempt: failures)
        logger.notice("restarting adapter", metadata: ["delay": "\(delay)"])
        // Waits on the injected clock; a shutdown cancels the wait.
        let backoff = Task { [clock] in _ = try? await clock.sleep(for: delay) }
        let alreadyShuttingDown = state.withLock { state in
            state.backoff = backoff
            return state.shuttingDown
        }
        if alreadyShuttingDown { backoff.cancel() }
        await withTaskCancellationHandler { await backoff.value } onCancel: { backoff.cancel() }
        state.withLock { $0.backoff = nil }
        guard !isShuttingDown else { return false }
        state.withLock { $0.restarts += 1 }
        metrics.restarts.increment()
        return true
    }

    private func fail(_ message: String) {
        state.withLock { $0.lastError = message }
        logger.error("adapter failed for good", metadata: ["error": "\(message)"])
        set(.failed)
        stopReceiving()
    }

    /// The adapter ended for good: its subscriptions go, so that no publisher waits on a queue
    /// nobody reads; what was still queued for it is counted as dropped.
    private func stopReceiving() {
        bus.unsubscribe(queue)
        queue.close(dropping: true)
    }

    /// Destroys an instance that will not be used again.
    private func retire(_ instance: any AdapterInstance) {
        state.withLock { state in
            if state.current === instance { state.current = nil }
        }
        instance.destroy()
    }

    // MARK: - Operator restart and reload

    /// Stops the current instance and starts a new one at once (an operator's `ctl restart`),
    /// whatever the restart policy; what is queued goes to the new one. An isolated instance's
    /// new runner loads its library again from disk. False when there is no running instance.
    func restart() -> Bool {
        let current = state.withLock { state -> (any AdapterInstance)? in
            guard !state.shuttingDown, let current = state.current, current.hasStarted else { return nil }
            state.restartRequested = true
            return current
        }
        current?.stop()
        return current != nil
    }

    /// Ends this supervisor before the host does (its instance was removed or changed by a
    /// reload): the instance stops, the bus stops routing to it, what was queued is handed to it,
    /// and it is destroyed. Returns once done.
    func retire() async {
        let (current, waiter, backoff) = state.withLock { state in
            state.retiring = true
            state.shuttingDown = true
            defer { state.shutdownWaiter = nil }
            return (state.current, state.shutdownWaiter, state.backoff)
        }
        current?.stop()
        backoff?.cancel()
        waiter?.resume()
        _ = await retired.waitIgnoringCancellation()
    }

    /// The end of a retired supervisor: out of the shutdown count and off the bus, the queue
    /// drained into the instance, which is destroyed.
    private func leave() async {
        coordinator.leave()
        bus.unsubscribe(queue)
        let failed = state.withLock { $0.adapterState == .failed }
        if !failed { set(.stopping) }
        await drain()
        if !failed { set(.stopped) }
        logger.info("adapter removed")
        retired.complete(())
    }

    // MARK: - Shutdown

    /// Hands the events still queued to the last instance, then destroys it.
    private func drain() async {
        guard let instance = state.withLock({ $0.current }) else {
            queue.close()
            return
        }
        guard instance.hasStarted else {
            queue.close(dropping: true)
            retire(instance)
            return
        }
        queue.close()
        while true {
            let batch: [Event]
            if let pending = state.withLock({ $0.pending }) {
                batch = pending
                state.withLock { $0.pending = nil }
            } else if let next = await queue.next(maxCount: AdapterSupervisor.batchSize) {
                batch = next
            } else {
                break
            }
            switch await instance.deliver(batch, abandonOnCancel: true) {
            case .delivered:
                queue.recordDelivered(batch.count)
                metrics.delivered.increment(by: Int64(batch.count))
            case .refused:
                retire(instance)
                return
            case .abandoned:
                // The shutdown deadline passed with a batch in flight: the instance may still be
                // using it, so it is left alive; the process is about to exit.
                logger.warning("shutdown deadline passed while the adapter handled a batch")
                return
            }
        }
        retire(instance)
    }

    /// Stops the current instance and wakes the supervision loop.
    private func beginShutdown() {
        let (current, waiter, backoff) = state.withLock { state in
            state.shuttingDown = true
            defer { state.shutdownWaiter = nil }
            return (state.current, state.shutdownWaiter, state.backoff)
        }
        current?.stop()
        backoff?.cancel()
        waiter?.resume()
    }

    /// Keeps the service alive after its adapter ended for good, until shutdown.
    private func waitForShutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                if state.shuttingDown { return true }
                state.shutdownWaiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    private var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    private func set(_ adapterState: AdapterState) {
        let effective = state.withLock { state in
            state.adapterState = adapterState
            return state.effectiveState
        }
        metrics.record(state: effective)
    }

    /// The watchdog's finding: a call late past the deadline (the instance is blocked), or none
    /// any more.
    @Sendable private func reportBlocked(_ blocked: CallWatchdog.Blocked?) {
        let effective = state.withLock { state in
            state.blocked = blocked
            return state.effectiveState
        }
        metrics.record(state: effective)
        let (site, id) = (configuration.siteID, configuration.id)
        if let blocked {
            let message = "\(blocked.operation) has not completed after \(Self.format(blocked.elapsed)) s (watchdog \(Self.format(watchdog.deadline)) s)"
            metrics.watchdogTrips.increment()
            logger.error("adapter blocked", metadata: ["call": "\(blocked.operation)", "error": "\(message)"])
            hostAlarms.raise(Self.blockedAlarm, site: site, adapter: id, severity: .critical, message)
            // A runner process can be killed and restarted; a call in the host's process only reported.
            state.withLock { $0.current }?.callOverdue(message)
        } else {
            logger.notice("adapter no longer blocked")
            hostAlarms.clear(Self.blockedAlarm, site: site, adapter: id, "its calls complete again")
        }
    }

    /// The code of the host's alarm about a blocked instance.
    static let blockedAlarm = "adapter_blocked"

    private static func format(_ duration: Duration) -> String {
        String(format: "%.1f", duration.inSeconds)
    }
}

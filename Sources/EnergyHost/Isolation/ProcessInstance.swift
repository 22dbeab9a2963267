package import AdapterKit
import Foundation
package import Logging
import Synchronization

/// An adapter instance that runs in a runner process of its own (`isolation: "process"`): the
/// runner loads the same library and makes the ABI's calls, which travel as ``RunnerMessage``s on
/// a socket; the instance's publishes come back the same way and are routed here, by its
/// ``InstanceSource``, exactly as in the host's process.
///
/// When the runner ends — a crash, an exit, the watchdog's kill — every wait under way is released
/// (a delivery counts as refused: its batch is kept for the next instance) and the run fails with
/// how the process ended.
package final class ProcessInstance: AdapterInstance {
    package let outstanding: OutstandingCalls
    private let clock = ContinuousClock()
    private let source: InstanceSource
    private let pid: pid_t
    private let channel: FramedChannel
    private let library: String
    private let limits: RunnerLimits
    private let exits: @Sendable (String) -> Void
    private let created = OneShot<Result<Void, PluginLoadError>>()
    private let runDone = OneShot<AdapterRunOutcome>()
    private let state = Mutex(State())

    private struct State {
        var started = false
        var stopRequested = false
        var destroyed = false
        var ended = false
        var startReply: OneShot<Bool>?
        var startToken: Int?
        var deliveries: [UInt64: (reply: OneShot<Bool>, token: Int)] = [:]
        var nextDelivery: UInt64 = 0
        /// Why the host killed the runner, when it did.
        var killedBecause: (reason: String, label: String)?
        /// Publishes routed since the last acknowledgement.
        var unacknowledged: UInt32 = 0
        /// The runner was told to hold back (a lossless subscriber presses back) and is waiting
        /// to hear that it may go on.
        var holdingBack = false
        /// When the runner last answered a ping (or was started).
        var lastAnswer: ContinuousClock.Instant = .now
    }

    private init(
        source: InstanceSource, pid: pid_t, socket: Int32, library: String, limits: RunnerLimits,
        exits: @escaping @Sendable (String) -> Void, clock: any Clock<Duration>
    ) {
        self.source = source
        self.exits = exits
        self.limits = limits
        self.pid = pid
        self.library = library
        self.channel = FramedChannel(fd: socket, name: source.instanceID)
        self.outstanding = OutstandingCalls(clock: clock)
    }

    /// Starts a runner for `plugin` and creates the instance in it; throws the adapter's own
    /// message when it refuses, or how the runner ended when it did not answer (killed after
    /// `answerDeadline` without an answer; the same deadline, at least 3 s, applies to the pings
    /// that follow). `exits` counts
    /// each end of the runner other than a clean one after destroy, by its label (`SIGSEGV`,
    /// `exit_3`, `watchdog`...).
    package static func create(
        plugin: LoadedPlugin,
        configJSON: String,
        source: InstanceSource,
        dataDirectory: String,
        configurationDirectory: String,
        minimumLevel: Logger.Level,
        limits: RunnerLimits,
        runnerExecutable: String,
        clock: any Clock<Duration>,
        answerDeadline: Duration = .seconds(10),
        exits: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws(PluginLoadError) -> ProcessInstance {
        let launch = RunnerProcess.Launch(
            executable: runnerExecutable,
            library: plugin.path,
            instance: "\(source.siteID)/\(source.instanceID)",
            memoryMB: limits.memoryMB,
            openFiles: limits.openFiles
        )
        let (pid, socket) = try await RunnerProcess.start(launch)
        let instance = ProcessInstance(source: source, pid: pid, socket: socket, library: plugin.path, limits: limits, exits: exits, clock: clock)
        instance.channel.startReading(
            { instance.receive($0) },
            afterEachRead: { instance.acknowledgePublishes() },
            ended: { problem in instance.runnerEnded(problem) }
        )
        instance.channel.send(.create(RunnerMessage.Creation(
            configJSON: configJSON,
            siteID: source.siteID,
            instanceID: source.instanceID,
            dataDirectory: dataDirectory,
            configurationDirectory: configurationDirectory,
            minimumLevel: minimumLevel
        )))
        // A runner that does not answer create (its library hangs there) is killed: "no answer".
        let timer = Task {
            guard (try? await clock.sleep(for: answerDeadline)) != nil else { return }
            if !instance.created.isComplete {
                instance.kill(because: "no answer to create for \(Int(answerDeadline.inSeconds)) s: runner killed", label: "no_answer")
            }
        }
        defer { timer.cancel() }
        switch await instance.created.waitIgnoringCancellation() {
        case .success?:
            instance.keepListening(deadline: max(answerDeadline, .seconds(3)))
            return instance
        case .failure(let error)?:
            instance.destroy()
            throw error
        case nil:
            instance.destroy()
            throw PluginLoadError(.createRefused, library: plugin.path, "the runner ended before create returned")
        }
    }

    package var hasStarted: Bool { state.withLock { $0.started } }

    /// Pings the runner every second until it ends; one that has not answered for `deadline`
    /// (stopped, frozen, its socket reader stuck) is killed: "no answer for N s". The runner
    /// answers from its own loop, whatever its instance is doing, so a busy adapter is not
    /// mistaken for a frozen runner (a late call is the watchdog's).
    private func keepListening(deadline: Duration) {
        state.withLock { $0.lastAnswer = clock.now }
        Task { [self] in
            while (try? await Task.sleep(for: .seconds(1))) != nil {
                let (ended, last) = state.withLock { ($0.ended || $0.destroyed, $0.lastAnswer) }
                if ended { return }
                if clock.now - last > deadline {
                    kill(because: "no answer for \(Int(deadline.inSeconds.rounded(.up))) s: runner killed", label: "no_answer")
                    return
                }
                channel.send(.ping)
            }
        }
    }

    package func start() async -> Bool {
        let reply = state.withLock { state -> OneShot<Bool>? in
            guard !state.started, !state.stopRequested, !state.ended else { return nil }
            state.started = true
            let reply = OneShot<Bool>()
            state.startReply = reply
            state.startToken = outstanding.begin("start")
            return reply
        }
        guard let reply else {
            runDone.complete(state.withLock(\.ended) ? .failed("the runner had ended") : .stopped)
            return false
        }
        source.isRunning = true
        channel.send(.start)
        let started = await reply.waitIgnoringCancellation() ?? false
        if !started {
            state.withLock { $0.started = false }
            source.isRunning = false
        }
        return started
    }

    package func waitUntilStopped() async -> AdapterRunOutcome {
        let outcome = await withTaskCancellationHandler {
            await runDone.wait()
        } onCancel: {
            self.stop()
        }
        source.isRunning = false
        return outcome ?? .stopped
    }

    package func stop() {
        let send = state.withLock { state in
            defer { state.stopRequested = true }
            return !state.stopRequested && state.started && !state.ended
        }
        if send { channel.send(.stop) }
    }

    package func deliver(_ events: [Event], abandonOnCancel: Bool) async -> AdapterDeliveryResult {
        let reply = OneShot<Bool>()
        let id = state.withLock { state -> UInt64? in
            guard !state.ended else { return nil }
            state.nextDelivery += 1
            state.deliveries[state.nextDelivery] = (reply, outstanding.begin("deliver"))
            return state.nextDelivery
        }
        guard let id else { return .refused }
        channel.send(.deliver(id: id, events: events))
        let handled = abandonOnCancel ? await reply.wait() : await reply.waitIgnoringCancellation()
        switch handled {
        case true?: return .delivered
        case false?: return .refused
        case nil:
            // Abandoned on cancellation: the runner may still hold the batch; it is killed.
            kill(because: "abandoned with a batch in flight", label: "abandoned")
            return .abandoned
        }
    }

    package func abandon() {
        kill(because: "abandoned by the host", label: "abandoned")
    }

    package func destroy() {
        let send = state.withLock { state in
            defer { state.destroyed = true }
            return !state.destroyed && !state.ended
        }
        guard send else { return }
        channel.send(.destroy)
        channel.close()
    }

    package func callOverdue(_ reason: String) {
        kill(because: "\(reason): runner killed by the watchdog", label: "watchdog")
    }

    /// Kills the runner with SIGKILL; its run fails with `reason`, its exit is counted as `label`.
    private func kill(because reason: String, label: String) {
        let alive = state.withLock { state in
            if !state.ended && state.killedBecause == nil { state.killedBecause = (reason, label) }
            return !state.ended
        }
        if alive { Glibc.kill(pid, SIGKILL) }
    }

    // MARK: - From the runner (reader thread)

    private func receive(_ message: RunnerMessage) {
        switch message {
        case .publish(let event):
            route(event)
        case .log(let level, let message, let metadata):
            source.logger.log(level: level, "\(message)", metadata: metadata.mapValues { .string($0) })
        case .metric(let sample):
            source.record(sample)
        case .created(let failure, let invalidConfiguration):
            if let failure {
                created.complete(.failure(PluginLoadError(invalidConfiguration ? .invalidConfiguration : .createRefused, library: library, failure)))
            } else {
                created.complete(.success(()))
            }
        case .started(let started):
            let (reply, token) = state.withLock { state in
                defer { state.startReply = nil; state.startToken = nil }
                return (state.startReply, state.startToken)
            }
            if let token { outstanding.end(token) }
            reply?.complete(started)
        case .delivered(let id, let handled):
            guard let delivery = state.withLock({ $0.deliveries.removeValue(forKey: id) }) else { return }
            outstanding.end(delivery.token)
            delivery.reply.complete(handled)
        case .runDone(let outcome):
            runDone.complete(outcome)
        case .pong:
            state.withLock { $0.lastAnswer = clock.now }
        case .destroyed, .create, .start, .deliver, .stop, .destroy, .publishAcknowledged, .ping:
            break
        }
    }

    /// Routes one of the runner's publishes. A lossless subscriber at its hard limit refuses it:
    /// the runner already counted it as sent, so it waits here until there is room (the runner's
    /// window of unacknowledged publishes keeps this bounded) or the instance stops.
    private func route(_ event: Event) {
        var outcome = source.publish(event)
        while outcome == .overloaded, source.isRunning {
            usleep(1_000)
            outcome = source.publish(event)
        }
        state.withLock { $0.unacknowledged += 1 }
    }

    /// Tells the runner how many publishes were routed and whether it may go on. A runner told
    /// to hold back publishes nothing more until told otherwise, so the host watches the
    /// pressure itself and says when it is gone.
    private func acknowledgePublishes() {
        let ready = source.isPublishReady()
        let (count, watch) = state.withLock { state -> (UInt32, Bool) in
            defer { state.unacknowledged = 0 }
            let watch = !ready && !state.holdingBack
            if !ready { state.holdingBack = true }
            return (state.unacknowledged, watch)
        }
        if count > 0 { channel.send(.publishAcknowledged(count: count, ready: ready)) }
        if watch { Thread.detachNewThread { [self] in watchPressure() } }
    }

    /// Polls the instance's pressure every millisecond until it is gone (or the runner ended),
    /// then lets the runner go on.
    private func watchPressure() {
        while !source.isPublishReady() {
            if state.withLock(\.ended) { return }
            usleep(1_000)
        }
        state.withLock { $0.holdingBack = false }
        channel.send(.publishAcknowledged(count: 0, ready: true))
    }

    /// The runner's socket closed: the process ended (or is made to). Every wait is released.
    private func runnerEnded(_ problem: String?) {
        let ending = RunnerProcess.reap(pid)
        let (killed, destroyed, startReply, startToken, deliveries) = state.withLock { state in
            state.ended = true
            defer { state.deliveries = [:]; state.startReply = nil; state.startToken = nil }
            return (state.killedBecause, state.destroyed, state.startReply, state.startToken, Array(state.deliveries.values))
        }
        channel.close()
        var reason = killed?.reason ?? "runner \(ending.description)" + (problem.map { " (\($0))" } ?? "")
        if killed == nil, ending.isCrash, let memoryMB = limits.memoryMB {
            reason += "; its memory limit is \(memoryMB) MiB"
        }
        if !(destroyed && killed == nil && ending.isClean) { exits(killed?.label ?? ending.label) }
        if !destroyed || killed != nil {
            source.logger.error("adapter runner ended", metadata: ["runner.pid": "\(pid)", "error": "\(reason)"])
        }
        created.complete(.failure(PluginLoadError(.createRefused, library: library, reason)))
        if let startToken { outstanding.end(startToken) }
        startReply?.complete(false)
        for delivery in deliveries {
            outstanding.end(delivery.token)
            delivery.reply.complete(false)
        }
        runDone.complete(destroyed && killed == nil ? .stopped : .failed(reason))
        source.isRunning = false
    }
}

/// Limits applied to a runner process (`limits` of an instance in `adapters.json`).
package struct RunnerLimits: Sendable, Equatable {
    /// Address-space limit in MiB (`RLIMIT_AS`).
    package var memoryMB: Int?
    /// Open-file limit (`RLIMIT_NOFILE`).
    package var openFiles: Int?

    package init(memoryMB: Int? = nil, openFiles: Int? = nil) {
        self.memoryMB = memoryMB
        self.openFiles = openFiles
    }
}

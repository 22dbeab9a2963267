import Logging
import ServiceLifecycle
import Synchronization

/// One adapter instance living inside a library, driven through the C ABI.
///
/// `start` runs the adapter in a one-service `ServiceGroup`, so the adapter's `run()` can use
/// the graceful-shutdown helpers of ServiceLifecycle; `stop` triggers that graceful shutdown.
/// Deliveries go through a FIFO inbox handled concurrently with `run()`, until `destroy`.
final class ExportedInstance: Sendable {
    /// A delivered batch and the callback that tells the host it was handled.
    struct Delivery: Sendable {
        var events: [Event]
        var done: @Sendable () -> Void
    }

    private struct State {
        var group: ServiceGroup?
        var stopRequested = false
    }

    private let adapter: any Adapter
    private let instanceID: String
    private let logger: Logger
    private let inbox: AsyncStream<Delivery>
    private let inboxContinuation: AsyncStream<Delivery>.Continuation
    private let state = Mutex(State())

    init(adapter: any Adapter, instanceID: String, logger: Logger) {
        self.adapter = adapter
        self.instanceID = instanceID
        self.logger = logger
        (inbox, inboxContinuation) = AsyncStream.makeStream(of: Delivery.self)
    }

    /// Starts `run()`; `done` receives nil for a clean end or the error that ended it.
    func start(done: @escaping @Sendable ((any Error)?) -> Void) {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(
                        service: AdapterService(adapter, instanceID: instanceID),
                        successTerminationBehavior: .gracefullyShutdownGroup
                    )
                ],
                logger: logger
            )
        )
        let stopAlreadyRequested = state.withLock { state in
            state.group = group
            return state.stopRequested
        }
        // The ABI's start is synchronous: this task is the bridge to the adapter's structured world.
        Task {
            if stopAlreadyRequested { await group.triggerGracefulShutdown() }
            async let handling: Void = handleDeliveries()
            do {
                try await group.run()
                done(nil)
            } catch {
                done(error)
            }
            await handling
        }
    }

    /// Queues a batch; false when the instance is destroyed.
    func deliver(_ delivery: Delivery) -> Bool {
        if case .terminated = inboxContinuation.yield(delivery) { return false }
        return true
    }

    /// Triggers the graceful shutdown of `run()`.
    func stop() {
        let group = state.withLock { state in
            state.stopRequested = true
            return state.group
        }
        guard let group else { return }
        Task { await group.triggerGracefulShutdown() }
    }

    /// Ends the inbox: the delivery handler finishes after the batch in progress.
    func destroy() {
        inboxContinuation.finish()
    }

    private func handleDeliveries() async {
        for await delivery in inbox {
            do {
                try await adapter.handle(batch: delivery.events)
            } catch {
                logger.error("handling delivered events failed", metadata: ["error": "\(error)"])
            }
            delivery.done()
        }
    }
}

import Synchronization

/// Coordinates the graceful shutdown of all supervisors.
///
/// ServiceGroup shuts services down one at a time, in reverse order; but a queue may be drained
/// only once *every* adapter stopped publishing. So the first supervisor told to shut down
/// broadcasts it to all (``begin()``), and each waits in ``arriveAndWait()`` until all adapters
/// have stopped before draining.
final class ShutdownCoordinator: Sendable {
    private struct State {
        var remaining: Int
        var begun = false
        var handlers: [@Sendable () -> Void] = []
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(parties: Int) {
        state = Mutex(State(remaining: parties))
    }

    /// Registers what a party does when shutdown begins (called at once if it already began).
    func onShutdown(_ handler: @escaping @Sendable () -> Void) {
        let begun = state.withLock { state in
            if !state.begun { state.handlers.append(handler) }
            return state.begun
        }
        if begun { handler() }
    }

    /// Counts one more party (a supervisor added by a reload); false when shutdown already began.
    func join() -> Bool {
        state.withLock { state in
            guard !state.begun else { return false }
            state.remaining += 1
            return true
        }
    }

    /// Counts one party less (a supervisor retired by a reload), releasing the others when it was
    /// the last they waited for.
    func leave() {
        state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.remaining -= 1
            return state.remaining <= 0 ? takeWaiters(&state) : []
        }.forEach { $0.resume() }
    }

    /// Starts the shutdown of every party; later calls do nothing.
    func begin() {
        let handlers = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.begun else { return [] }
            state.begun = true
            defer { state.handlers = [] }
            return state.handlers
        }
        handlers.forEach { $0() }
    }

    /// Marks one party as stopped and waits for the others, or until the task is cancelled.
    func arriveAndWait() async {
        state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.remaining -= 1
            return state.remaining <= 0 ? takeWaiters(&state) : []
        }.forEach { $0.resume() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let released = state.withLock { state -> Bool in
                    if state.remaining <= 0 || Task.isCancelled { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if released { continuation.resume() }
            }
        } onCancel: {
            state.withLock { takeWaiters(&$0) }.forEach { $0.resume() }
        }
    }

    private func takeWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        defer { state.waiters = [] }
        return state.waiters
    }
}

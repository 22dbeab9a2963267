import Synchronization

/// A value delivered once, possibly before anyone waits for it: the bridge from the ABI's
/// completion callbacks to async code.
final class OneShot<Value: Sendable>: Sendable {
    private enum State {
        case pending
        case waiting(CheckedContinuation<Value?, Never>)
        case done(Value)
        case abandoned
    }

    private let state = Mutex(State.pending)

    /// Delivers the value; later calls are ignored.
    func complete(_ value: Value) {
        let continuation = state.withLock { state -> CheckedContinuation<Value?, Never>? in
            switch state {
            case .pending, .abandoned:
                state = .done(value)
                return nil
            case .waiting(let continuation):
                state = .done(value)
                return continuation
            case .done:
                return nil
            }
        }
        continuation?.resume(returning: value)
    }

    /// Whether the value was delivered.
    var isComplete: Bool {
        state.withLock { state in
            if case .done = state { return true }
            return false
        }
    }

    /// Gives up on the value: the waiter (present or future) receives nil, unless the value came
    /// first. A value completed later is kept but wakes nobody.
    func abandon() {
        let continuation = state.withLock { state -> CheckedContinuation<Value?, Never>? in
            switch state {
            case .pending:
                state = .abandoned
                return nil
            case .waiting(let continuation):
                state = .abandoned
                return continuation
            case .done, .abandoned:
                return nil
            }
        }
        continuation?.resume(returning: nil)
    }

    /// Waits for the value whatever happens to the waiting task; nil only once ``abandon()`` was
    /// called.
    func waitIgnoringCancellation() async -> Value? {
        await suspend(unlessCancelled: false)
    }

    /// Waits for the value; nil when the waiting task is cancelled first (the wait is abandoned).
    func wait() async -> Value? {
        await withTaskCancellationHandler {
            await suspend(unlessCancelled: true)
        } onCancel: {
            abandon()
        }
    }

    private func suspend(unlessCancelled: Bool) async -> Value? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
            let immediate = state.withLock { state -> Value?? in
                switch state {
                case .done(let value): return .some(value)
                case .abandoned: return .some(nil)
                case .pending, .waiting:
                    if unlessCancelled && Task.isCancelled {
                        state = .abandoned
                        return .some(nil)
                    }
                    state = .waiting(continuation)
                    return nil
                }
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }
}

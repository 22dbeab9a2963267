import Synchronization

/// The calls into an instance that have not completed yet (a start that has not returned, a
/// delivery whose done callback has not come), each with how long it has been outstanding: what
/// the watchdog looks at, and what forbids destroying the instance.
package final class OutstandingCalls: Sendable {
    /// One outstanding call.
    struct Call: Sendable {
        /// `start` or `deliver`.
        var operation: String
        var stopwatch: Stopwatch
    }

    private struct State {
        var calls: [Int: Call] = [:]
        var next = 0
    }

    private let clock: any Clock<Duration>
    private let state = Mutex(State())

    init(clock: any Clock<Duration>) {
        self.clock = clock
    }

    /// Records a call starting now; pass the token to ``end(_:)``.
    func begin(_ operation: String) -> Int {
        let call = Call(operation: operation, stopwatch: Stopwatch(clock))
        return state.withLock { state in
            state.next += 1
            state.calls[state.next] = call
            return state.next
        }
    }

    /// Records the end of the call `token`.
    func end(_ token: Int) {
        _ = state.withLock { $0.calls.removeValue(forKey: token) }
    }

    /// Whether no call is outstanding.
    var isEmpty: Bool { state.withLock { $0.calls.isEmpty } }

    /// The call outstanding for the longest time, with that time.
    var oldest: (operation: String, elapsed: Duration)? {
        let calls = state.withLock { Array($0.calls.values) }
        return calls.map { ($0.operation, $0.stopwatch.elapsed) }.max { $0.1 < $1.1 }
    }
}

import Synchronization

/// A clock that moves only when a test says so: inject it as an adapter's clock (``InMemoryHost``
/// takes one) and drive time with ``advance(by:)``. Sleepers wake, in deadline order, as soon as
/// the time reaches their deadline; a cancelled sleeper wakes at once with `CancellationError`.
public final class ManualClock: Clock, Sendable {
    /// A point in the clock's time: the duration since it was created.
    public struct Instant: InstantProtocol, Hashable, Sendable, CustomStringConvertible {
        /// Time since the clock's start.
        public var offset: Duration

        public init(offset: Duration) {
            self.offset = offset
        }

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
        public var description: String { "\(offset)" }
    }

    private struct Sleeper {
        var id: Int
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Sleeper] = []
        var nextID = 0
    }

    private let state = Mutex(State())

    /// A clock at offset zero.
    public init() {}

    public var now: Instant { state.withLock { $0.now } }
    public var minimumResolution: Duration { .zero }

    /// How many tasks are sleeping on the clock now.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Result<Void, any Error>? = state.withLock { state in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let resumeNow { continuation.resume(with: resumeNow) }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward by `duration`, waking every sleeper whose deadline is reached, earliest
    /// first, and giving each woken task a chance to run before returning.
    public func advance(by duration: Duration) async {
        let woken = state.withLock { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let due = state.sleepers.filter { $0.deadline <= state.now }.sorted { ($0.deadline, $0.id) < ($1.deadline, $1.id) }
            state.sleepers.removeAll { $0.deadline <= state.now }
            return due
        }
        for sleeper in woken { sleeper.continuation.resume() }
        for _ in 0..<10 { await Task.yield() }
    }

    /// Waits (in real time, up to `timeout`) until at least `count` tasks sleep on the clock:
    /// lets a test advance time only once the code under test is waiting. The default timeout is
    /// generous: on a loaded 2-core machine running the whole suite, the cooperative pool can be
    /// busy with other tests for seconds before the code under test reaches its sleep.
    public func waitForSleepers(_ count: Int = 1, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while sleeperCount < count {
            guard ContinuousClock.now < deadline else { throw Timeout(count: count, sleeping: sleeperCount) }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    /// Not enough sleepers in time.
    public struct Timeout: Error, CustomStringConvertible {
        public var count: Int
        public var sleeping: Int
        public var description: String { "\(sleeping) of \(count) expected sleepers on the manual clock" }
    }
}

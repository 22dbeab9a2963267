/// A fixed cadence on an injected clock: slots `start + k × interval`. A slot that has passed
/// while the work of an earlier one ran is skipped, never run late: after a stall, the next slot
/// is the first one still ahead.
///
/// ```swift
/// let cadence = FixedCadence(interval: .seconds(2), startingAt: clock.now.advanced(by: .milliseconds(300)))
/// try await cadence.run(on: clock) { slot in await report() }
/// ```
public struct FixedCadence<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// The time between slots.
    public let interval: Duration
    /// The first slot.
    public let start: Instant

    /// Slots every `interval` (positive) from `start`.
    public init(interval: Duration, startingAt start: Instant) {
        precondition(interval > .zero, "a cadence needs a positive interval")
        self.interval = interval
        self.start = start
    }

    /// The first slot after `previous` that is not before `now`: the next slot, or a later one
    /// when slots were missed.
    public func slot(after previous: Instant, now: Instant) -> Instant {
        var next = previous.advanced(by: interval)
        while next < now { next = next.advanced(by: interval) }
        return next
    }

    /// Sleeps until each slot on `clock` and runs `body` with it, until cancelled (then returns)
    /// or `body` throws.
    public func run<C: Clock>(on clock: C, _ body: (Instant) async throws -> Void) async throws where C.Instant == Instant {
        var slot = start
        while true {
            do {
                try await clock.sleep(until: slot, tolerance: nil)
            } catch is CancellationError {
                return
            }
            try await body(slot)
            slot = self.slot(after: slot, now: clock.now)
        }
    }
}

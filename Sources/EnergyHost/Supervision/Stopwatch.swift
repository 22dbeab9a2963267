/// The time elapsed on an injected clock since the stopwatch was made.
struct Stopwatch: Sendable {
    private let measure: @Sendable () -> Duration

    /// Starts measuring now on `clock`.
    init(_ clock: any Clock<Duration>) {
        func start<C: Clock<Duration>>(_ clock: C) -> @Sendable () -> Duration {
            let started = clock.now
            return { started.duration(to: clock.now) }
        }
        measure = start(clock)
    }

    /// The time elapsed since the stopwatch was made.
    var elapsed: Duration { measure() }
}

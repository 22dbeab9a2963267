/// Watches the calls into one instance: when its oldest outstanding call (a start that has not
/// returned, a delivery not done) exceeds `deadline`, it reports the instance blocked; when no call
/// is late any more, it reports it free again. Each change is reported once.
struct CallWatchdog: Sendable {
    /// A call outstanding past the deadline.
    struct Blocked: Sendable, Equatable {
        /// `start` or `deliver`.
        var operation: String
        /// How long it has been outstanding when the watchdog saw it.
        var elapsed: Duration
    }

    /// How long a call may take.
    let deadline: Duration
    let clock: any Clock<Duration>

    /// Checks four times per deadline (at most once a second, at least every 50 ms) until the task
    /// is cancelled; `report` receives each change (nil when free again).
    func watch(
        _ current: @escaping @Sendable () -> (any AdapterInstance)?,
        report: @escaping @Sendable (Blocked?) -> Void
    ) async {
        let period = min(max(deadline / 4, .milliseconds(50)), .seconds(1))
        var blocked = false
        while (try? await clock.sleep(for: period)) != nil {
            let late = current()?.outstanding.oldest.flatMap { call in
                call.elapsed >= deadline ? Blocked(operation: call.operation, elapsed: call.elapsed) : nil
            }
            guard (late != nil) != blocked else { continue }
            blocked = late != nil
            report(late)
        }
    }
}

extension Duration {
    /// The duration in seconds, for messages.
    var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

import AdapterKit

/// When an account is polled next, and whether that poll is a full resynchronisation: pure, the
/// random part injected.
///
/// - after a success: the interval plus a random part up to the jitter;
/// - 429: the `Retry-After` asked for (the interval without one);
/// - 5xx, timeouts, resets: 5 s doubling on each consecutive failure up to the interval, or the
///   `Retry-After` when longer;
/// - 401: at least 15 minutes (a rejected token does not come back by retrying; no tight loop);
/// - 403, another 4xx, a malformed answer: the interval.
struct PollPlanner: Sendable {
    var interval: Duration
    var jitter: Duration
    var resyncInterval: Duration
    /// Failures in a row since the last success.
    private(set) var consecutiveFailures = 0
    /// When the last full resynchronisation succeeded.
    private(set) var lastResync: EventTime?

    static let firstBackoff = Duration.seconds(5)
    static let unauthorizedPause = Duration.seconds(900)

    init(interval: Duration, jitter: Duration, resyncInterval: Duration) {
        self.interval = interval
        self.jitter = jitter
        self.resyncInterval = resyncInterval
    }

    /// Whether the poll at `time` must read everything again (at start, then every resync interval).
    func isResyncDue(at time: EventTime) -> Bool {
        guard let lastResync else { return true }
        return time.sinceEpoch - lastResync.sinceEpoch >= resyncInterval
    }

    /// Records how the poll begun at `time` ended; returns the delay before the next one.
    /// `random` gives a fraction in [0, 1) for the jitter.
    mutating func next(after outcome: PollOutcome, resync: Bool, at time: EventTime, random: Double) -> Duration {
        if case .success = outcome {
            consecutiveFailures = 0
            if resync { lastResync = time }
            return interval + jitter * min(max(random, 0), 1)
        }
        consecutiveFailures += 1
        switch outcome {
        case .success: return interval
        case .rateLimited(let retryAfter): return retryAfter ?? interval
        case .unavailable, .reset:
            var backoff = Self.firstBackoff
            for _ in 1..<min(consecutiveFailures, 30) where backoff < interval { backoff *= 2 }
            let delay = min(backoff, interval)
            if case .unavailable(_, let retryAfter?) = outcome { return max(delay, retryAfter) }
            return delay
        case .unauthorized: return max(interval, Self.unauthorizedPause)
        case .forbidden, .clientError, .malformed: return interval
        }
    }
}

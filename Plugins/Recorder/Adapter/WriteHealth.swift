/// Whether the recorder's writes succeed, as a state machine: the first failure raises the
/// alarm and is logged; while failures go on, a summary is logged at most once per `logInterval`;
/// once writes have succeeded without a failure for `recoveryPeriod`, the alarm is cleared and the
/// loss is reported. (On a disk that is nearly full, small batches fit and larger ones do not: the
/// recovery period keeps the alarm from flapping.)
struct WriteHealth: Sendable {
    /// What the adapter does after a write.
    enum Action: Sendable, Equatable {
        /// Raise the `write_failed` alarm, report degraded, and log the error.
        case startFailing(String)
        /// Log that failures continue (rate-limited).
        case stillFailing(String)
        /// Clear the alarm, report healthy again, log the recovery.
        case recovered(String)
    }

    private struct Failure {
        var lastLog: Duration
        var batches: Int
        var events: Int
        /// Since when writes have succeeded without a failure, if they do.
        var succeedingSince: Duration?
    }

    /// The least time between two "still failing" logs.
    let logInterval: Duration
    /// How long writes must succeed before the failure is over.
    let recoveryPeriod: Duration
    private var failure: Failure?

    init(logInterval: Duration = .seconds(60), recoveryPeriod: Duration = .seconds(10)) {
        self.logInterval = logInterval
        self.recoveryPeriod = recoveryPeriod
    }

    /// Whether writes are failing (or have not succeeded for the recovery period yet).
    var isFailing: Bool { failure != nil }

    /// A batch of `events` could not be written at `now` (any monotonic time origin) because of `error`.
    mutating func failed(events: Int, error: String, now: Duration) -> Action? {
        guard var current = failure else {
            failure = Failure(lastLog: now, batches: 1, events: events)
            return .startFailing("cannot write: \(error); events are lost until writing succeeds again")
        }
        current.batches += 1
        current.events += events
        current.succeedingSince = nil
        defer { failure = current }
        guard now - current.lastLog >= logInterval else { return nil }
        current.lastLog = now
        return .stillFailing("still cannot write: \(error); \(current.events) events lost in \(current.batches) batches so far")
    }

    /// A batch was written at `now`.
    mutating func succeeded(now: Duration) -> Action? {
        guard var current = failure else { return nil }
        guard let since = current.succeedingSince else {
            current.succeedingSince = now
            failure = current
            return nil
        }
        guard now - since >= recoveryPeriod else { return nil }
        failure = nil
        return .recovered("writing again; \(current.events) events were lost in \(current.batches) batches")
    }
}

/// The under-frequency detector of one measurement point: idle → pickup (the first valid sample
/// below the threshold) → confirmed (valid samples below it for the confirmation time).
///
/// Invalid, stale, future and out-of-order samples neither confirm nor reset. A gap resets: valid
/// samples whose times are further apart than the limit, or no valid sample arriving for longer
/// than the limit (measured on the host's clock, so that an analyser's clock offset does not count).
///
/// Staleness is judged against the point's estimated clock offset (``ClockOffset``), so that an
/// analyser whose clock is off the host's by a constant amount is not refused; an offset beyond
/// the limit, and samples refused for longer than ``refusalLimit``, are reported.
struct PointDetector: Sendable {
    enum Phase: Sendable, Hashable {
        case idle
        case pickup(since: Duration)
        case confirmed(since: Duration)
    }

    /// The most samples of a run kept for the audit trail (3 s at 200 ms is 16).
    static let maximumRun = 64
    /// How long a point's samples may all be refused before it is reported.
    static let refusalLimit = Duration.seconds(1)

    let point: String
    private(set) var phase = Phase.idle
    /// The valid samples since the pickup, for the audit trail.
    private(set) var run: [FrequencySample] = []
    /// The last valid sample.
    private(set) var latest: FrequencySample?
    /// The time of the last sample seen, valid or not (for the order).
    private var lastTime: Duration?
    /// When the last valid sample arrived, on the host's clock.
    private var lastValidArrival: Duration?
    /// Since when the point is silent or sends only invalid samples, once over the gap limit.
    private(set) var gapSince: Duration?
    /// When the detector started: a point that never sends is in a gap from then.
    private let start: Duration
    /// The point's clock against the host's.
    private var clock = ClockOffset()
    /// Whether the offset is reported beyond the limit.
    private var offsetReported = false
    /// Since when (host's clock) every sample of the point is refused, how many, and whether reported.
    private var refusal: (since: Duration, count: Int, reported: Bool)?

    init(point: String, start: Duration) {
        self.point = point
        self.start = start
    }

    var isConfirmed: Bool {
        if case .confirmed = phase { return true }
        return false
    }

    /// Takes a sample of this point; appends what it changed.
    mutating func observe(
        _ sample: FrequencySample, threshold: Millihertz, settings: FrequencyTrigger.Settings, now: Duration,
        into outputs: inout [FrequencyTrigger.Output]
    ) {
        if let reason = whyRefused(sample, settings: settings, now: now, into: &outputs) {
            outputs.append(.ignored(sample, reason))
            noteRefusal(reason, now: now, into: &outputs)
            return
        }
        if let refused = refusal, refused.reported {
            outputs.append(.refusingEnded(point: point, count: refused.count))
        }
        refusal = nil
        if let latest, sample.time - latest.time > settings.gapLimit {  // a hole in the samples' own times
            openGap(since: latest.time, into: &outputs)
        }
        if let since = gapSince {
            outputs.append(.gapEnded(point: point, length: max(.zero, sample.time - since)))
            gapSince = nil
        }
        latest = sample
        lastValidArrival = now
        let below = sample.frequency < threshold
        switch phase {
        case .idle:
            guard below else { return }
            phase = .pickup(since: sample.time)
            run = [sample]
            outputs.append(.pickup(sample, threshold: threshold))
        case .pickup(let since), .confirmed(let since):
            if below {
                if run.count < Self.maximumRun { run.append(sample) }
                if case .pickup = phase, sample.time - since >= settings.confirmation - settings.tolerance {
                    phase = .confirmed(since: since)
                    outputs.append(.confirmed(sample, since: since))
                }
            } else if sample.frequency.value >= threshold.value + settings.hysteresis.value {
                reset()
                outputs.append(.reset(sample, threshold: threshold))
            }  // between the threshold and the drop-out level: holds
        }
    }

    /// Notices at `now` that no valid sample arrived for longer than the limit; appends the gap once.
    mutating func tick(now: Duration, settings: FrequencyTrigger.Settings, into outputs: inout [FrequencyTrigger.Output]) {
        guard now - (lastValidArrival ?? start) > settings.gapLimit else { return }
        openGap(since: latest?.time ?? start, into: &outputs)
    }

    /// Why `sample` does not count, if it does not; learns the point's clock offset from it first.
    private mutating func whyRefused(
        _ sample: FrequencySample, settings: FrequencyTrigger.Settings, now: Duration, into outputs: inout [FrequencyTrigger.Output]
    ) -> FrequencyTrigger.IgnoredReason? {
        clock.add(delay: now - sample.time)
        let offset = clock.estimate
        if let offset { reportOffset(offset, limit: settings.maximumClockOffset, into: &outputs) }
        let lag = now - sample.time - (offset ?? .zero)
        guard lag >= .zero - settings.staleAfter else { return .future }  // would block the samples after it
        if let lastTime, sample.time <= lastTime { return .outOfOrder }
        lastTime = sample.time
        guard lag <= settings.staleAfter else { return .stale }
        guard sample.isFlaggedValid, FrequencySample.validRange.contains(sample.frequency) else { return .invalid }
        return nil
    }

    /// Counts a refused sample; appends the refusal once it has lasted longer than the limit.
    private mutating func noteRefusal(_ reason: FrequencyTrigger.IgnoredReason, now: Duration, into outputs: inout [FrequencyTrigger.Output]) {
        var current = refusal ?? (since: now, count: 0, reported: false)
        current.count += 1
        if !current.reported, now - current.since > Self.refusalLimit {
            current.reported = true
            outputs.append(.refusing(point: point, since: current.since, count: current.count, reason: reason))
        }
        refusal = current
    }

    /// Appends the offset when it goes beyond the limit, and when it comes back within it.
    private mutating func reportOffset(_ offset: Duration, limit: Duration, into outputs: inout [FrequencyTrigger.Output]) {
        let beyond = offset > limit || offset < .zero - limit
        guard beyond != offsetReported else { return }
        offsetReported = beyond
        outputs.append(beyond ? .clockOffset(point: point, offset: offset) : .clockOffsetCleared(point: point, offset: offset))
    }

    /// Back to idle (after a gap, a reset sample, or an authorised restore).
    mutating func reset() {
        phase = .idle
        run = []
    }

    /// Opens a gap since `since` (once): resets the pickup.
    private mutating func openGap(since: Duration, into outputs: inout [FrequencyTrigger.Output]) {
        guard gapSince == nil else { return }
        gapSince = since
        outputs.append(.gapStarted(point: point, since: since, wasPickedUp: phase != .idle))
        reset()
    }
}

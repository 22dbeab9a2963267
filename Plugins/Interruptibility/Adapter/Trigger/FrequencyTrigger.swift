/// The site's under-frequency trigger (seed §1.1): it trips when valid samples stay below the
/// threshold (49.820 Hz by default) for at least 3.000 s (less the 20 ms tolerance), at enough
/// measurement points by the vote policy, and stays tripped until an authorised restore.
///
/// A struct state machine with no I/O and an injected clock: every call takes `now`, so tests run
/// in virtual time. Times are durations since the Unix epoch (UTC).
public struct FrequencyTrigger: Sendable {
    /// The trigger's parameters.
    public struct Settings: Sendable, Hashable {
        /// The threshold and its scheduled changes.
        public var schedule: ThresholdSchedule
        /// How long samples must stay below the threshold (3 s).
        public var confirmation: Duration = .seconds(3)
        /// How much shorter than ``confirmation`` a run of samples may span and still confirm
        /// (20 ms, the seed's clock uncertainty): the verdict must not hang on microseconds of
        /// scheduling when the samples are stamped on arrival.
        public var tolerance: Duration = .milliseconds(20)
        /// The largest offset of a point's clock from the host's that is not reported (1 s).
        public var maximumClockOffset: Duration = .seconds(1)
        /// The longest wait between valid samples of a point before its pickup is reset (1 s).
        public var gapLimit: Duration = .seconds(1)
        /// The oldest a sample may be when it arrives (1 s).
        public var staleAfter: Duration = .seconds(1)
        /// How far above the threshold a sample must be to reset a pickup (0: at the threshold).
        public var hysteresis = Millihertz(0)
        /// How the points decide together.
        public var vote: VotePolicy

        public init(schedule: ThresholdSchedule, vote: VotePolicy) {
            self.schedule = schedule
            self.vote = vote
        }
    }

    /// Why a sample did not count.
    public enum IgnoredReason: String, Sendable, Hashable {
        /// Flagged invalid by its device, or outside 42.5 – 57.5 Hz.
        case invalid
        /// Arrived later than ``Settings/staleAfter`` after the point's usual delay (its estimated
        /// clock offset).
        case stale
        /// Stamped more than ``Settings/staleAfter`` ahead of the point's usual delay: would block
        /// the samples after it.
        case future
        /// Not later than the point's previous sample.
        case outOfOrder = "out_of_order"
        /// From a point the trigger does not know.
        case unknownPoint = "unknown_point"
    }

    /// A trip: when, why, and the samples that caused it.
    public struct Trip: Sendable, Hashable {
        /// The time of the sample that completed the confirmation.
        public var time: Duration
        /// The threshold in force.
        public var threshold: Millihertz
        /// The points that had confirmed.
        public var points: [String]
        /// Their valid samples since their pickup.
        public var samples: [FrequencySample]
    }

    /// What a call changed, in order.
    public enum Output: Sendable, Hashable {
        /// A point's first valid sample below the threshold.
        case pickup(FrequencySample, threshold: Millihertz)
        /// A point's valid sample back at or above the threshold (plus hysteresis) reset it.
        case reset(FrequencySample, threshold: Millihertz)
        /// A point stayed below the threshold for the confirmation time.
        case confirmed(FrequencySample, since: Duration)
        /// A sample that neither confirms nor resets.
        case ignored(FrequencySample, IgnoredReason)
        /// A point has sent no valid sample for longer than the gap limit (its pickup, if any, reset).
        case gapStarted(point: String, since: Duration, wasPickedUp: Bool)
        /// A point sends valid samples again after a gap.
        case gapEnded(point: String, length: Duration)
        /// Every sample of a point has been refused for longer than a second (host's clock), the
        /// last one for `reason`.
        case refusing(point: String, since: Duration, count: Int, reason: IgnoredReason)
        /// A point's sample counts again after `count` refused.
        case refusingEnded(point: String, count: Int)
        /// A point's clock is off the host's by more than ``Settings/maximumClockOffset``: its
        /// samples are still judged, on its own timeline, against its usual delay.
        case clockOffset(point: String, offset: Duration)
        /// A point's clock offset is back within the limit.
        case clockOffsetCleared(point: String, offset: Duration)
        /// The site tripped: shed now.
        case tripped(Trip)
    }

    public let settings: Settings
    private var detectors: [PointDetector]
    /// The trip being held, if any: no other trip until it is restored.
    public private(set) var trip: Trip?

    /// A trigger for `points`, started at `now`.
    public init(points: [String], settings: Settings, now: Duration) {
        precondition(!points.isEmpty, "a trigger needs at least one measurement point")
        self.settings = settings
        detectors = points.map { PointDetector(point: $0, start: now) }
    }

    /// The measurement points, in configuration order.
    public var points: [String] { detectors.map(\.point) }

    /// The threshold in force at `time`.
    public func threshold(at time: Duration) -> Millihertz {
        settings.schedule.threshold(at: time)
    }

    /// The latest valid sample of each point that has one and is not in a gap (what a report may say).
    public var latestSamples: [FrequencySample] { detectors.filter { $0.gapSince == nil }.compactMap(\.latest) }

    /// Takes a sample; appends what it changed, ``Output/tripped(_:)`` when it completes a trip.
    public mutating func observe(_ sample: FrequencySample, now: Duration, into outputs: inout [Output]) {
        guard let index = detectors.firstIndex(where: { $0.point == sample.point }) else {
            outputs.append(.ignored(sample, .unknownPoint))
            return
        }
        detectors[index].observe(sample, threshold: threshold(at: sample.time), settings: settings, now: now, into: &outputs)
        guard trip == nil, detectors[index].isConfirmed else { return }
        let confirmed = detectors.filter(\.isConfirmed)
        guard settings.vote.trips(confirmed: confirmed.count, of: detectors.count) else { return }
        let trip = Trip(
            time: sample.time, threshold: threshold(at: sample.time), points: confirmed.map(\.point),
            samples: confirmed.flatMap(\.run).sorted { $0.time < $1.time }
        )
        self.trip = trip
        outputs.append(.tripped(trip))
    }

    /// Notices points gone silent at `now`; appends the gaps.
    public mutating func tick(now: Duration, into outputs: inout [Output]) {
        for index in detectors.indices {
            detectors[index].tick(now: now, settings: settings, into: &outputs)
        }
    }

    /// Ends the held trip after RTE's authorisation and re-arms: the points start again from idle,
    /// so a frequency still low trips again only after a new confirmation. Returns the trip
    /// restored, nil when none was held.
    public mutating func restore() -> Trip? {
        defer { trip = nil }
        for index in detectors.indices { detectors[index].reset() }
        return trip
    }

    /// Holds `trip` again (a host restart while the site was tripped: the audit trail says so).
    public mutating func resume(_ trip: Trip) {
        self.trip = trip
    }
}

/// The trip threshold over time: a current value and the changes RTE asked for, each applied from
/// its effective date (seed §1.5). Thresholds are set in steps of 20 mHz.
public struct ThresholdSchedule: Sendable, Hashable {
    /// One threshold and the instant it applies from (since the Unix epoch, UTC).
    public struct Change: Sendable, Hashable {
        public var effective: Duration
        public var threshold: Millihertz

        public init(effective: Duration, threshold: Millihertz) {
            self.effective = effective
            self.threshold = threshold
        }
    }

    /// Why a threshold is refused.
    public enum Problem: Error, Hashable, CustomStringConvertible {
        /// Not a multiple of the 20 mHz step.
        case notAStep(Millihertz)
        /// Outside the frequencies a sample may have.
        case outOfRange(Millihertz)

        public var description: String {
            switch self {
            case .notAStep(let threshold): "\(threshold) is not a multiple of 0.020 Hz"
            case .outOfRange(let threshold): "\(threshold) is outside \(FrequencySample.validRange.lowerBound) – \(FrequencySample.validRange.upperBound)"
            }
        }
    }

    /// The setting step of the threshold.
    public static let step = 20
    /// RTE's default threshold, 49.820 Hz.
    public static let standard = Millihertz(49_820)

    /// The threshold before any change.
    public let initial: Millihertz
    /// The changes, by effective date.
    public let changes: [Change]

    /// A schedule; throws ``Problem`` for a threshold off the 20 mHz grid or out of range.
    public init(initial: Millihertz = Self.standard, changes: [Change] = []) throws(Problem) {
        for threshold in [initial] + changes.map(\.threshold) {
            guard threshold.value % Self.step == 0 else { throw .notAStep(threshold) }
            guard FrequencySample.validRange.contains(threshold) else { throw .outOfRange(threshold) }
        }
        self.initial = initial
        self.changes = changes.sorted { $0.effective < $1.effective }
    }

    /// The threshold in force at `time`.
    public func threshold(at time: Duration) -> Millihertz {
        changes.last { $0.effective <= time }?.threshold ?? initial
    }
}

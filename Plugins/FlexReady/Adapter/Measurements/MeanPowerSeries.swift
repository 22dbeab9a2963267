/// Mean power over fixed GMT steps (a quarter-hour, an hour) from a meter's energy index: pure
/// state, fed with readings in time order.
///
/// The référentiel defines the realized power of a step as its mean ("valeur moyenne (donc
/// énergie)"): the energy the index counted over the step divided by its length. The index at each
/// step boundary is interpolated between the readings around it, so readings need not fall on
/// boundaries. Readings more than `maximumGapSeconds` apart leave the steps between them without a
/// value (a silent meter is not guessed), an index that goes down (a meter replaced or reset)
/// starts over, and a reading not later than the last is ignored.
public struct MeanPowerSeries: Sendable {
    /// One step's mean power.
    public struct Step: Sendable, Hashable {
        /// The step's start.
        public var start: FlexTime
        /// Its mean power, watts.
        public var watts: Double

        public init(start: FlexTime, watts: Double) {
            self.start = start
            self.watts = watts
        }
    }

    /// The step, seconds (900 or 3600), dividing a day.
    public let stepSeconds: Int64
    /// The longest time between two readings the index is interpolated across.
    public let maximumGapSeconds: Int64
    private var last: (nanoseconds: Int64, wattHours: Double)?
    /// The index interpolated at the last step boundary passed.
    private var boundary: (nanoseconds: Int64, wattHours: Double)?

    public init(stepSeconds: Int64, maximumGapSeconds: Int64 = 300) {
        precondition(stepSeconds > 0 && 86_400 % stepSeconds == 0, "a step divides a day")
        self.stepSeconds = stepSeconds
        self.maximumGapSeconds = maximumGapSeconds
    }

    /// Adds a reading of the index (`wattHours`) at `nanoseconds` since the epoch; returns the
    /// steps it completes, oldest first.
    public mutating func add(nanoseconds: Int64, wattHours: Double) -> [Step] {
        guard wattHours.isFinite, wattHours >= 0 else { return [] }
        let step = stepSeconds * 1_000_000_000
        guard let (t0, e0) = last else {
            restart(at: nanoseconds, wattHours, step: step)
            return []
        }
        guard nanoseconds > t0 else { return [] }
        guard wattHours >= e0, nanoseconds - t0 <= maximumGapSeconds * 1_000_000_000 else {
            restart(at: nanoseconds, wattHours, step: step)
            return []
        }
        var steps: [Step] = []
        var b = (t0 / step + 1) * step  // the first boundary after t0
        while b <= nanoseconds {
            let energy = e0 + (wattHours - e0) * Double(b - t0) / Double(nanoseconds - t0)
            if let previous = boundary, previous.nanoseconds == b - step {
                let watts = (energy - previous.wattHours) * 3600 / Double(stepSeconds)
                steps.append(Step(start: FlexTime(secondsSinceEpoch: (b - step) / 1_000_000_000), watts: watts))
            }
            boundary = (b, energy)
            b += step
        }
        last = (nanoseconds, wattHours)
        return steps
    }

    /// Starts over from this reading: a boundary only when it falls on one.
    private mutating func restart(at nanoseconds: Int64, _ wattHours: Double, step: Int64) {
        last = (nanoseconds, wattHours)
        boundary = nanoseconds % step == 0 ? (nanoseconds, wattHours) : nil
    }
}

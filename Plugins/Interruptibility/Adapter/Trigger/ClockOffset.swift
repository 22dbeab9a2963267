/// The offset between a measurement point's clock and the host's, estimated from the samples'
/// delays (arrival on the host's clock minus the sample's own time): the median of the last
/// ``window`` delays, so that one sample stamped far off moves nothing and a real step of the
/// analyser's clock is learnt within about half the window (1.6 s at 200 ms).
///
/// Until ``minimumSamples`` delays are known there is no estimate, and samples are judged on the
/// host's clock alone.
struct ClockOffset: Sendable {
    /// The delays kept.
    static let window = 15
    /// The delays needed before the estimate is used.
    static let minimumSamples = 3

    private var delays: [Duration] = []
    private var next = 0

    /// Takes the delay of a sample that just arrived (valid or not).
    mutating func add(delay: Duration) {
        if delays.count < Self.window {
            delays.append(delay)
        } else {
            delays[next] = delay
            next = (next + 1) % Self.window
        }
    }

    /// The estimated delay of a sample on time: the analyser's clock behind the host's by this
    /// much (negative: ahead), plus the usual transport delay. Nil until enough samples arrived.
    var estimate: Duration? {
        guard delays.count >= Self.minimumSamples else { return nil }
        let sorted = delays.sorted()
        return sorted[sorted.count / 2]
    }
}

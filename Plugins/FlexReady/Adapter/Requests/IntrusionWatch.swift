/// Counts requests naming identifiers a BACS does not know (BACS, asset or request ids) and says
/// when to raise the possible-intrusion alarm: at the `threshold`-th within `windowSeconds`
/// (5 by default, as the référentiel suggests, within 10 minutes). Pure state, given the time.
public struct IntrusionWatch: Sendable {
    public let threshold: Int
    public let windowSeconds: Int64
    private var recent: [FlexTime] = []
    private var alarmed = false

    public init(threshold: Int = 5, windowSeconds: Int64 = 600) {
        self.threshold = threshold
        self.windowSeconds = windowSeconds
    }

    /// Records an invalid identifier at `now`; true when this one reaches the threshold and the
    /// alarm is not raised yet.
    public mutating func invalidIdentifier(at now: FlexTime) -> Bool {
        recent.removeAll { now.secondsSinceEpoch - $0.secondsSinceEpoch >= windowSeconds }
        recent.append(now)
        guard recent.count >= threshold, !alarmed else { return false }
        alarmed = true
        return true
    }

    /// Whether the alarm should clear at `now`: raised, and no invalid identifier for a whole window.
    public mutating func clears(at now: FlexTime) -> Bool {
        recent.removeAll { now.secondsSinceEpoch - $0.secondsSinceEpoch >= windowSeconds }
        guard alarmed, recent.isEmpty else { return false }
        alarmed = false
        return true
    }
}

/// How the measurement points of a site decide together (seed §1.3: three points in different
/// source substations).
public enum VotePolicy: String, Sendable, Hashable, CaseIterable, Codable {
    /// One confirmed point trips.
    case any
    /// More than half of the points trip: with three, one faulty point neither trips nor blocks.
    case majority
    /// Every point must confirm.
    case all

    /// Whether `confirmed` points out of `total` trip the site.
    public func trips(confirmed: Int, of total: Int) -> Bool {
        guard confirmed > 0 else { return false }
        switch self {
        case .any: return true
        case .majority: return confirmed * 2 > total
        case .all: return confirmed == total
        }
    }
}

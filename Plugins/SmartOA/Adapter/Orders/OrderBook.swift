import AdapterKit

/// The latest revision of every order of every contract, and what follows from them: when each
/// plant must be stopped. Pure state: revisions in, answers out.
///
/// The highest version of an order wins; a lower or equal one is ignored. No order, an order at 0
/// or a cancelled order means no stop.
struct OrderBook: Sendable {
    /// Latest revision of each order, by contract then curtailment id.
    private(set) var orders: [String: [String: CurtailmentOrder]] = [:]

    /// Takes a revision; true when it is newer than what the book had (an effective change of its
    /// contract's orders is then possible).
    @discardableResult
    mutating func apply(_ order: CurtailmentOrder) -> Bool {
        if let known = orders[order.contractID]?[order.curtailmentID], known.version >= order.version { return false }
        orders[order.contractID, default: [:]][order.curtailmentID] = order
        return true
    }

    /// The contract's orders that are not cancelled, by start then id.
    func effectiveOrders(of contract: String) -> [CurtailmentOrder] {
        (orders[contract]?.values.filter { $0.status == .active } ?? []).sorted {
            ($0.start, $0.curtailmentID) < ($1.start, $1.curtailmentID)
        }
    }

    /// The periods during which the contract's plant must be stopped: the stop orders' windows,
    /// overlapping or adjacent ones merged (two consecutive quarter-hours are one stop).
    func stopPeriods(of contract: String) -> [Range<EventTime>] {
        var periods: [Range<EventTime>] = []
        for order in effectiveOrders(of: contract) where order.stopsThePlant {
            if let last = periods.last, order.start <= last.upperBound {
                periods[periods.count - 1] = last.lowerBound..<max(last.upperBound, order.end)
            } else {
                periods.append(order.start..<order.end)
            }
        }
        return periods
    }

    /// The stop period containing `time`, if the plant must be stopped then.
    func stopPeriod(of contract: String, at time: EventTime) -> Range<EventTime>? {
        stopPeriods(of: contract).first { $0.contains(time) }
    }

    /// The first start or end of a stop period after `time`.
    func nextChange(of contract: String, after time: EventTime) -> EventTime? {
        stopPeriods(of: contract).flatMap { [$0.lowerBound, $0.upperBound] }.filter { $0 > time }.min()
    }

    /// Forgets orders that ended before `time` (they can no longer change what the plant does).
    mutating func forget(endedBefore time: EventTime) {
        for contract in orders.keys {
            orders[contract] = orders[contract]?.filter { $0.value.end >= time }
        }
    }
}

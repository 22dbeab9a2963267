import AdapterKit
import Synchronization

/// What the adapter's tasks share: the order book, the last poll of each account, the alarms
/// raised, and the requests to send acknowledgements sooner than the next poll.
final class SmartOAState: Sendable {
    /// The last poll of an account, for the operator view.
    struct Poll: Sendable, Hashable {
        var time: EventTime
        var outcome: String
        var detail: String
        var requests: Int
        var resync: Bool
    }

    private struct Inner {
        var book = OrderBook()
        var polls: [String: Poll] = [:]
        var alarms = AlarmSet()
        var acknowledgeSoon: Set<String> = []
    }

    private let inner = Mutex(Inner())

    /// Reads or changes the order book.
    func withBook<T>(_ body: (inout OrderBook) -> T) -> T {
        inner.withLock { body(&$0.book) }
    }

    /// Reads or changes the alarms; returns what `body` returns (the alarms to publish).
    func withAlarms<T>(_ body: (inout AlarmSet) -> T) -> T {
        inner.withLock { body(&$0.alarms) }
    }

    /// Records the last poll of `account`.
    func record(_ poll: Poll, of account: String) {
        inner.withLock { $0.polls[account] = poll }
    }

    /// The last poll of each account.
    var polls: [String: Poll] { inner.withLock { $0.polls } }

    /// Asks `account`'s task to send its outstanding acknowledgements without waiting for its next poll.
    func acknowledgeSoon(_ account: String) {
        _ = inner.withLock { $0.acknowledgeSoon.insert(account) }
    }

    /// Whether `account` was asked to acknowledge soon; forgets the request.
    func takeAcknowledgeSoon(_ account: String) -> Bool {
        inner.withLock { $0.acknowledgeSoon.remove(account) != nil }
    }
}

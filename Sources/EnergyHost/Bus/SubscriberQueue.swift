public import AdapterKit
import DequeModule
public import Prometheus
import Synchronization

/// The bounded delivery queue of one subscriber (ARCHITECTURE.md §4).
///
/// - `drop_oldest` events: when the queue holds `capacity` events, the oldest `drop_oldest` event
///   is dropped and counted, so a slow subscriber loses only its own telemetry.
/// - `lossless` events are never dropped: above `capacity` the queue reports pressure (the
///   publisher slows down), and at `hardLimit` the bus refuses them before anything is enqueued.
///
/// One consumer takes batches with ``next(maxCount:)``; any number of publishers enqueue.
public final class SubscriberQueue: Sendable {
    /// What happened to an enqueued event.
    public enum EnqueueResult: Sendable, Equatable {
        /// Enqueued; the queue was under its capacity.
        case enqueued
        /// Enqueued; the queue is over its capacity (lossless events only).
        case pressure
        /// Enqueued after dropping the oldest drop_oldest event.
        case droppedOldest
        /// Not enqueued: the incoming drop_oldest event was the oldest droppable one.
        case droppedIncoming
        /// Not enqueued: the queue is closed.
        case refused
    }

    /// Counters since creation.
    public struct Statistics: Sendable, Equatable {
        /// Events accepted into the queue.
        public var enqueued = 0
        /// Events the consumer reported handled with ``SubscriberQueue/recordDelivered(_:)``.
        public var delivered = 0
        /// `drop_oldest` events dropped, plus those discarded by ``SubscriberQueue/close(dropping:)``.
        public var dropped = 0
        /// Events waiting in the queue when the statistics were read.
        public var depth = 0
    }

    private struct Entry {
        var event: Event
        var lossless: Bool
    }

    private struct State {
        var entries = Deque<Entry>()
        var droppable = 0
        var closed = false
        var waiter: CheckedContinuation<Void, Never>?
        var statistics = Statistics()
    }

    /// Identifies the subscriber in metrics and logs.
    public let name: String
    /// Events held before `drop_oldest` events are dropped and lossless ones press back.
    public let capacity: Int
    /// Queue length at which the bus refuses lossless events (default: 16 times the capacity).
    public let hardLimit: Int
    private let dropCounter: Counter?
    private let state = Mutex(State())

    /// A queue holding `capacity` events before dropping or pressing back, and refusing lossless
    /// events at `hardLimit` (default: 16 times the capacity). Drops are added to `dropCounter`.
    public init(name: String, capacity: Int, hardLimit: Int? = nil, dropCounter: Counter? = nil) {
        precondition(capacity > 0, "a queue needs room for one event")
        self.name = name
        self.capacity = capacity
        self.hardLimit = hardLimit ?? capacity * 16
        self.dropCounter = dropCounter
    }

    /// Whether a lossless event would be refused now.
    public var isAtHardLimit: Bool {
        state.withLock { $0.entries.count >= hardLimit }
    }

    /// Whether the queue is back under half its capacity (publishers may speed up again).
    public var isBelowLowWatermark: Bool {
        state.withLock { $0.entries.count <= capacity / 2 }
    }

    /// The counters since creation, with the current depth.
    public var statistics: Statistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.depth = state.entries.count
            return statistics
        }
    }

    /// Enqueues `event` under `policy`.
    public func enqueue(_ event: Event, policy: DeliveryPolicy) -> EnqueueResult {
        let lossless = policy == .lossless
        let (result, waiter) = state.withLock { state -> (EnqueueResult, CheckedContinuation<Void, Never>?) in
            guard !state.closed else { return (.refused, nil) }
            var result = EnqueueResult.enqueued
            if lossless {
                // The hard limit is enforced by the bus before routing (so a refusal reaches no
                // subscriber at all); concurrent publishers may overshoot it by one event each.
                if state.entries.count >= capacity { result = .pressure }
            } else if state.entries.count >= capacity {
                guard state.droppable > 0 else {
                    state.statistics.dropped += 1
                    dropCounter?.increment()
                    return (.droppedIncoming, nil)
                }
                removeOldestDroppable(&state)
                result = .droppedOldest
            }
            state.entries.append(Entry(event: event, lossless: lossless))
            if !lossless { state.droppable += 1 }
            state.statistics.enqueued += 1
            let waiter = state.waiter
            state.waiter = nil
            return (result, waiter)
        }
        waiter?.resume()
        return result
    }

    /// Takes up to `maxCount` events in order, waiting while the queue is empty.
    /// Returns nil once the queue is closed and empty, or when the task is cancelled.
    public func next(maxCount: Int) async -> [Event]? {
        while true {
            if let batch = take(maxCount: maxCount) { return batch }
            if state.withLock({ $0.closed }) || Task.isCancelled { return nil }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { state in
                        if !state.entries.isEmpty || state.closed || Task.isCancelled { return true }
                        state.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                state.withLock { state in
                    let waiter = state.waiter
                    state.waiter = nil
                    return waiter
                }?.resume()
            }
        }
    }

    /// Refuses further events; the consumer still receives what is queued, unless `dropping`
    /// (the consumer is gone): then the queued events are discarded and counted as dropped.
    public func close(dropping: Bool = false) {
        state.withLock { state in
            state.closed = true
            if dropping, !state.entries.isEmpty {
                state.statistics.dropped += state.entries.count
                dropCounter?.increment(by: Int64(state.entries.count))
                state.entries.removeAll()
                state.droppable = 0
            }
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }?.resume()
    }

    /// Counts events handed over by the consumer.
    public func recordDelivered(_ count: Int) {
        state.withLock { $0.statistics.delivered += count }
    }

    private func take(maxCount: Int) -> [Event]? {
        state.withLock { state in
            guard !state.entries.isEmpty else { return nil }
            let count = min(maxCount, state.entries.count)
            var batch: [Event] = []
            batch.reserveCapacity(count)
            for _ in 0..<count {
                let entry = state.entries.removeFirst()
                if !entry.lossless { state.droppable -= 1 }
                batch.append(entry.event)
            }
            return batch
        }
    }

    private func removeOldestDroppable(_ state: inout State) {
        if let first = state.entries.first, !first.lossless {
            state.entries.removeFirst()
        } else if let index = state.entries.firstIndex(where: { !$0.lossless }) {
            state.entries.remove(at: index)
        }
        state.droppable -= 1
        state.statistics.dropped += 1
        dropCounter?.increment()
    }
}

public import AdapterKit
import DequeModule
public import Prometheus
import Synchronization

/// The bounded delivery queue of one subscriber (ARCHITECTURE.md §4).
///
/// The queue has one **lane** per subscription (the bus gives each subscription its lane), each
/// bounded by `capacity`, so that a flood on one subscription (a command stream) never starves
/// another (the measurements the same adapter needs):
/// - `drop_oldest` events: when a lane holds `capacity` events, its oldest `drop_oldest` event is
///   dropped and counted, so a slow subscriber loses only its own telemetry.
/// - `lossless` events are never dropped: above `capacity` the lane reports pressure (the publisher
///   slows down), and at `hardLimit` the bus refuses them before anything is enqueued.
///
/// One consumer takes batches with ``next(maxCount:)``: the lanes take turns, one event each, so
/// every non-empty lane gets its share of each batch; within a batch, events keep the order they
/// were enqueued in, and within a lane they are always in order.
///
/// Any number of publishers enqueue.
public final class SubscriberQueue: Sendable {
    /// What happened to an enqueued event.
    public enum EnqueueResult: Sendable, Equatable {
        /// Enqueued; the lane was under its capacity.
        case enqueued
        /// Enqueued; the lane is over its capacity (lossless events only).
        case pressure
        /// Enqueued after dropping the lane's oldest drop_oldest event.
        case droppedOldest
        /// Not enqueued: the incoming drop_oldest event was the oldest droppable one.
        case droppedIncoming
        /// Not enqueued: the queue is closed.
        case refused
        /// Not enqueued: the queue's `admit` test turned it away (not counted anywhere).
        case ignored
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
        /// Enqueue order across lanes.
        var ticket: UInt64
    }

    private struct Lane {
        var entries = Deque<Entry>()
        var droppable = 0
    }

    private struct State {
        /// By lane index (see ``SubscriberQueue/makeLane()``), grown on demand.
        var lanes: [Lane] = []
        /// The lane that takes the first turn in the next batch.
        var turn = 0
        var depth = 0
        var tickets: UInt64 = 0
        var closed = false
        var waiter: CheckedContinuation<Void, Never>?
        var statistics = Statistics()
        var nextLane = 0
    }

    /// Identifies the subscriber in metrics and logs.
    public let name: String
    /// Events one lane holds before `drop_oldest` events are dropped and lossless ones press back.
    public let capacity: Int
    /// Lane length at which the bus refuses lossless events (default: 16 times the capacity).
    public let hardLimit: Int
    private let dropCounter: Counter?
    private let admit: (@Sendable (Event) -> Bool)?
    private let state = Mutex(State())

    /// A queue whose lanes hold `capacity` events before dropping or pressing back, and refuse
    /// lossless events at `hardLimit` (default: 16 times the capacity). Drops are added to `dropCounter`.
    /// When `admit` is given, only the events it accepts are enqueued (it runs in the publisher's
    /// call: keep it quick).
    public init(
        name: String,
        capacity: Int,
        hardLimit: Int? = nil,
        dropCounter: Counter? = nil,
        admit: (@Sendable (Event) -> Bool)? = nil
    ) {
        precondition(capacity > 0, "a queue needs room for one event")
        self.name = name
        self.capacity = capacity
        self.hardLimit = hardLimit ?? capacity.multipliedReportingOverflow(by: 16).partialValue
        self.dropCounter = dropCounter
        self.admit = admit
    }

    /// A new pair of lanes, for one subscription: its index (even), and the index + 1 for the
    /// operators' events of that subscription.
    public func makeLane() -> Int {
        state.withLock { state in
            defer { state.nextLane += 2 }
            return state.nextLane
        }
    }

    /// Whether a lossless event would be refused now on `lane`.
    public func isAtHardLimit(lane: Int = 0) -> Bool {
        state.withLock { $0.lanes.indices.contains(lane) && $0.lanes[lane].entries.count >= hardLimit }
    }

    /// Whether `lane` is back under half the capacity (its publishers may speed up again).
    public func isBelowLowWatermark(lane: Int = 0) -> Bool {
        state.withLock { !$0.lanes.indices.contains(lane) || $0.lanes[lane].entries.count <= capacity / 2 }
    }

    /// The counters since creation, with the current depth (all lanes).
    public var statistics: Statistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.depth = state.depth
            return statistics
        }
    }

    /// Enqueues `event` on `lane` under `policy`.
    public func enqueue(_ event: Event, policy: DeliveryPolicy, lane: Int = 0) -> EnqueueResult {
        if let admit, !admit(event) { return .ignored }
        let lossless = policy == .lossless
        let (result, waiter) = state.withLock { state -> (EnqueueResult, CheckedContinuation<Void, Never>?) in
            guard !state.closed else { return (.refused, nil) }
            // The lane is changed in place (a copy taken out of the dictionary would copy its
            // whole buffer on the first append).
            while state.lanes.count <= lane { state.lanes.append(Lane()) }
            let count = state.lanes[lane].entries.count
            var result = EnqueueResult.enqueued
            if lossless {
                // The hard limit is enforced by the bus before routing (so a refusal reaches no
                // subscriber at all); concurrent publishers may overshoot it by one event each.
                if count >= capacity { result = .pressure }
            } else if count >= capacity {
                guard state.lanes[lane].droppable > 0 else {
                    state.statistics.dropped += 1
                    dropCounter?.increment()
                    return (.droppedIncoming, nil)
                }
                removeOldestDroppable(lane: lane, &state)
                result = .droppedOldest
            }
            state.tickets += 1
            state.lanes[lane].entries.append(Entry(event: event, lossless: lossless, ticket: state.tickets))
            if !lossless { state.lanes[lane].droppable += 1 }
            state.depth += 1
            state.statistics.enqueued += 1
            let waiter = state.waiter
            state.waiter = nil
            return (result, waiter)
        }
        waiter?.resume()
        return result
    }

    /// Takes up to `maxCount` events, waiting while the queue is empty.
    /// Returns nil once the queue is closed and empty, or when the task is cancelled.
    public func next(maxCount: Int) async -> [Event]? {
        while true {
            if let batch = take(maxCount: maxCount) { return batch }
            if state.withLock({ $0.closed }) || Task.isCancelled { return nil }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { state in
                        if state.depth > 0 || state.closed || Task.isCancelled { return true }
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
            if dropping, state.depth > 0 {
                state.statistics.dropped += state.depth
                dropCounter?.increment(by: Int64(state.depth))
                state.lanes = []
                state.depth = 0
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

    /// The lanes take turns, one event each, starting after the lane that started the last batch.
    private func take(maxCount: Int) -> [Event]? {
        state.withLock { state in
            guard state.depth > 0, maxCount > 0 else { return nil }
            let count = state.lanes.count
            let first = state.turn % count
            state.turn = first + 1
            let rotation = (0..<count).map { (first + $0) % count }.filter { !state.lanes[$0].entries.isEmpty }
            var taken: [Entry] = []
            taken.reserveCapacity(min(maxCount, state.depth))
            func pop(_ lane: Int) -> Bool {
                guard let entry = state.lanes[lane].entries.popFirst() else { return false }
                if !entry.lossless { state.lanes[lane].droppable -= 1 }
                taken.append(entry)
                return true
            }
            if rotation.count == 1 {
                // One busy lane (the common case): its order is the queue's.
                while taken.count < maxCount, pop(rotation[0]) {}
                state.depth -= taken.count
                return taken.map(\.event)
            }
            var exhausted = false
            while taken.count < maxCount && !exhausted {
                exhausted = true
                for lane in rotation where taken.count < maxCount && pop(lane) { exhausted = false }
            }
            state.depth -= taken.count
            return taken.sorted { $0.ticket < $1.ticket }.map(\.event)
        }
    }

    private func removeOldestDroppable(lane: Int, _ state: inout State) {
        if let first = state.lanes[lane].entries.first, !first.lossless {
            state.lanes[lane].entries.removeFirst()
        } else if let index = state.lanes[lane].entries.firstIndex(where: { !$0.lossless }) {
            state.lanes[lane].entries.remove(at: index)
        }
        state.lanes[lane].droppable -= 1
        state.depth -= 1
        state.statistics.dropped += 1
        dropCounter?.increment()
    }
}

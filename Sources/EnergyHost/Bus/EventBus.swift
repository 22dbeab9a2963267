public import AdapterKit
import Synchronization

/// Routes events from publishers to subscriber queues by MQTT topic filters (ARCHITECTURE.md §4).
///
/// Routing looks at the envelope only. The set of queues a topic reaches is computed once per
/// topic and cached until the subscriptions change.
public final class EventBus: Sendable {
    /// A queue reached by a topic, with the strongest policy of its matching subscriptions.
    public struct Route: Sendable {
        /// The subscriber's queue.
        public var queue: SubscriberQueue
        /// `lossless` if any of the queue's matching subscriptions is, else `drop_oldest`.
        public var policy: DeliveryPolicy
    }

    /// The outcome of a publish, and the lossless queues that asked the publisher to slow down.
    public struct PublishResult: Sendable {
        /// Accepted, backpressure (a lossless queue is over capacity) or overloaded (one is at its hard limit).
        public var outcome: PublishOutcome
        /// The lossless queues over capacity, or the one at its hard limit when overloaded.
        public var pressured: [SubscriberQueue]
    }

    private struct Subscription {
        var filter: String
        var policy: DeliveryPolicy
        var queue: SubscriberQueue
    }

    private struct State {
        var subscriptions: [Subscription] = []
        var routes: [String: [Route]] = [:]
    }

    private static let maximumCachedTopics = 65_536
    private let state = Mutex(State())

    /// Creates a bus without subscriptions.
    public init() {}

    /// Subscribes `queue` to `filter`. Filters must be valid (see ``Topic/problem(in:isFilter:)``).
    public func subscribe(_ queue: SubscriberQueue, filter: String, policy: DeliveryPolicy) {
        precondition(Topic.problem(in: filter, isFilter: true) == nil, "invalid filter \(filter)")
        state.withLock { state in
            state.subscriptions.append(Subscription(filter: filter, policy: policy, queue: queue))
            state.routes.removeAll(keepingCapacity: true)
        }
    }

    /// Removes every subscription of `queue`.
    public func unsubscribe(_ queue: SubscriberQueue) {
        state.withLock { state in
            state.subscriptions.removeAll { $0.queue === queue }
            state.routes.removeAll(keepingCapacity: true)
        }
    }

    /// The queues `topic` reaches.
    public func routes(for topic: String) -> [Route] {
        state.withLock { state in
            if let cached = state.routes[topic] { return cached }
            var routes: [Route] = []
            for subscription in state.subscriptions where Topic.matches(topic, filter: subscription.filter) {
                if let index = routes.firstIndex(where: { $0.queue === subscription.queue }) {
                    if subscription.policy == .lossless { routes[index].policy = .lossless }
                } else {
                    routes.append(Route(queue: subscription.queue, policy: subscription.policy))
                }
            }
            if state.routes.count >= EventBus.maximumCachedTopics { state.routes.removeAll(keepingCapacity: true) }
            state.routes[topic] = routes
            return routes
        }
    }

    /// Routes `event` to every matching queue. Refused as a whole (nothing enqueued) when a
    /// lossless subscriber is at its hard limit.
    public func publish(_ event: Event) -> PublishResult {
        let routes = routes(for: event.topic)
        for route in routes where route.policy == .lossless && route.queue.isAtHardLimit {
            return PublishResult(outcome: .overloaded, pressured: [route.queue])
        }
        var pressured: [SubscriberQueue] = []
        for route in routes where route.queue.enqueue(event, policy: route.policy) == .pressure {
            pressured.append(route.queue)
        }
        return PublishResult(outcome: pressured.isEmpty ? .accepted : .backpressure, pressured: pressured)
    }
}

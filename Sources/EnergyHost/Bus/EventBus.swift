public import AdapterKit
import Synchronization

/// Routes events from publishers to subscriber queues by MQTT topic filters (ARCHITECTURE.md §4).
///
/// Routing looks at the envelope only. The set of queues a topic reaches is computed once per
/// topic and cached until the subscriptions change. Each subscription has its own lane in its
/// subscriber's queue (see ``SubscriberQueue``).
///
/// The command stream of an adapter (`sites/{site}/{adapter}/commands`) may be restricted to
/// named sources with ``restrictCommands(to:senders:)``: operators' commands (source
/// ``Event/operatorSource``) always pass, other sources are refused unless named.
public final class EventBus: Sendable {
    /// A queue reached by a topic: the lane of its first lossless matching subscription, else of
    /// its first matching one, with that subscription's policy.
    public struct Route: Sendable {
        /// The subscriber's queue.
        public var queue: SubscriberQueue
        /// `lossless` if any of the queue's matching subscriptions is, else `drop_oldest`.
        public var policy: DeliveryPolicy
        /// The lane of the subscription the event goes to.
        public var lane: Int

        /// Whether the lane is back under its low watermark.
        public var isBelowLowWatermark: Bool { queue.isBelowLowWatermark(lane: lane) }
    }

    /// The outcome of a publish, and the lossless lanes that asked the publisher to slow down.
    public struct PublishResult: Sendable {
        /// Accepted, backpressure (a lossless lane is over capacity), overloaded (one is at its
        /// hard limit), or invalid (a command stream that does not accept this source).
        public var outcome: PublishOutcome
        /// The lossless lanes over capacity, or the one at its hard limit when overloaded.
        public var pressured: [Route]
        /// Refused because the topic is a command stream that does not accept this source.
        public var forbiddenCommand = false
    }

    private struct Subscription {
        var filter: String
        var policy: DeliveryPolicy
        var queue: SubscriberQueue
        var lane: Int
    }

    private struct State {
        var subscriptions: [Subscription] = []
        /// By topic: the queues it reaches, and the sources it accepts besides operators (nil: any).
        var routes: [String: (routes: [Route], senders: Set<String>?)] = [:]
        /// Command topics and the sources they accept besides operators.
        var commandSenders: [String: Set<String>] = [:]
    }

    private static let maximumCachedTopics = 65_536
    private let state = Mutex(State())

    /// Creates a bus without subscriptions.
    public init() {}

    /// Subscribes `queue` to `filter`. Filters must be valid (see ``Topic/problem(in:isFilter:)``).
    public func subscribe(_ queue: SubscriberQueue, filter: String, policy: DeliveryPolicy) {
        precondition(Topic.problem(in: filter, isFilter: true) == nil, "invalid filter \(filter)")
        let lane = queue.makeLane()
        state.withLock { state in
            state.subscriptions.append(Subscription(filter: filter, policy: policy, queue: queue, lane: lane))
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
        entry(for: topic).routes
    }

    /// The routes of `topic` and the sources it accepts, computed once per topic.
    private func entry(for topic: String) -> (routes: [Route], senders: Set<String>?) {
        state.withLock { state in
            if let cached = state.routes[topic] { return cached }
            var routes: [Route] = []
            for subscription in state.subscriptions where Topic.matches(topic, filter: subscription.filter) {
                if let index = routes.firstIndex(where: { $0.queue === subscription.queue }) {
                    if subscription.policy == .lossless && routes[index].policy != .lossless {
                        routes[index].policy = .lossless
                        routes[index].lane = subscription.lane
                    }
                } else {
                    routes.append(Route(queue: subscription.queue, policy: subscription.policy, lane: subscription.lane))
                }
            }
            if state.routes.count >= EventBus.maximumCachedTopics { state.routes.removeAll(keepingCapacity: true) }
            let entry = (routes: routes, senders: state.commandSenders[topic])
            state.routes[topic] = entry
            return entry
        }
    }

    /// Accepts commands on `topic` (an adapter's command stream) only from operators and from
    /// the sources in `senders`.
    public func restrictCommands(to topic: String, senders: Set<String>) {
        state.withLock { state in
            state.commandSenders[topic] = senders
            state.routes.removeAll(keepingCapacity: true)
        }
    }

    /// Whether `source` may publish on `topic`.
    public func mayPublish(on topic: String, source: String) -> Bool {
        source == Event.operatorSource || (entry(for: topic).senders.map { $0.contains(source) } ?? true)
    }

    /// Routes `event` to every matching queue. Refused as a whole (nothing enqueued) when a
    /// lossless subscriber's lane is at its hard limit, or when the topic is a command stream
    /// that does not accept the event's source. A bridged event (``Event/via``) is judged by its
    /// bridge, the instance that published it here, never by the source it carries.
    public func publish(_ event: Event) -> PublishResult {
        let entry = entry(for: event.topic)
        let sender = event.isBridged ? event.via : event.source
        let isOperator = !event.isBridged && event.source == Event.operatorSource
        if let senders = entry.senders, !isOperator, !senders.contains(sender) {
            return PublishResult(outcome: .invalid, pressured: [], forbiddenCommand: true)
        }
        var routes = entry.routes
        if isOperator {
            // Operators' commands have lanes of their own (each subscription's odd lane): no
            // adapter's flood delays or refuses them.
            routes = routes.map { route in
                var route = route
                route.lane += 1
                return route
            }
        }
        for route in routes where route.policy == .lossless && route.queue.isAtHardLimit(lane: route.lane) {
            return PublishResult(outcome: .overloaded, pressured: [route])
        }
        var pressured: [Route] = []
        for route in routes where route.queue.enqueue(event, policy: route.policy, lane: route.lane) == .pressure {
            pressured.append(route)
        }
        return PublishResult(outcome: pressured.isEmpty ? .accepted : .backpressure, pressured: pressured)
    }
}

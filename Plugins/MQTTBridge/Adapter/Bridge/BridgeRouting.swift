import AdapterKit

/// A bus filter whose events go to the broker.
struct OutboundRoute: Sendable, Hashable {
    var name: String
    var filter: String
    var prefix: String
    /// nil: 1 for the lossless kinds, 0 for the others.
    var qos: Int32?
    var retain: Bool
    /// nil: every kind.
    var kinds: Set<EventKind>?
}

/// A broker filter whose messages come onto the bus.
struct InboundRoute: Sendable, Hashable {
    var name: String
    var filter: String
    var kinds: Set<EventKind>
    var busPrefix: String?
    var qos: Int32
}

/// One message to send for one route.
struct OutgoingMessage: Sendable, Hashable {
    var route: String
    var topic: String
    var qos: Int32
    var retain: Bool
    /// Kept in the durable outbox until the broker acknowledges it.
    var lossless: Bool
}

/// Why a broker message was not put on the bus (the `reason` label of the refusal counter).
enum InboundRefusal: String, Sendable {
    /// Our own message, back from a subscription that covers what we publish.
    case echo
    /// No inbound mapping's filter matches its broker topic.
    case unmapped
    /// Not JSON of the bridged form, or an event that does not decode.
    case malformed
    /// Its kind is not in its mapping's `kinds`.
    case kindNotAllowed = "kind_not_allowed"
    /// A command, and its mapping does not name `command`.
    case commandNotAllowed = "command_not_allowed"
    /// It claims an operator's (`admin`) or the host's source, or none.
    case reservedSource = "reserved_source"
    /// Its topic (with the mapping's prefix) is not a valid bus topic.
    case invalidTopic = "invalid_topic"
    /// A lossless message already received (QoS 1 and outbox re-sends).
    case duplicate
    /// The host refused to publish it (a command stream that does not accept this bridge).
    case refusedByHost = "refused_by_host"
}

/// The bridge's decisions, without I/O: which routes an event takes out, and whether a broker
/// message comes in, as what.
struct BridgeRouting: Sendable {
    var outbound: [OutboundRoute]
    var inbound: [InboundRoute]
    var lossless: Set<EventKind>
    var origin: String

    /// The messages `event` becomes, one per matching route. A bridged event is never sent out
    /// again: two bridges mirroring each other's topics do not loop.
    func outgoing(_ event: Event) -> [OutgoingMessage] {
        guard !event.isBridged else { return [] }
        let isLossless = lossless.contains(event.kind)
        return outbound.compactMap { route in
            guard Topic.matches(event.topic, filter: route.filter), route.kinds?.contains(event.kind) ?? true else { return nil }
            return OutgoingMessage(
                route: route.name, topic: route.prefix + "/" + event.topic, qos: route.qos ?? (isLossless ? 1 : 0),
                retain: route.retain, lossless: isLossless
            )
        }
    }

    /// What to do with a message received on `topic`.
    enum Verdict: Sendable, Hashable {
        /// Publish this event (its `via` set, its source and time the original's).
        case publish(Event, route: String)
        /// Drop it, counted under `route` (nil: no route matched) and `reason`.
        case refuse(InboundRefusal, route: String?)
    }

    /// The inbound mapping of `topic`: the first whose filter matches.
    func inboundRoute(of topic: String) -> InboundRoute? {
        inbound.first { Topic.matches(topic, filter: $0.filter) }
    }

    /// Judges `message`, received on `topic` through `route`.
    func incoming(_ message: BridgeMessage, route: InboundRoute) -> Verdict {
        var event = message.event
        if message.origin == origin { return .refuse(.echo, route: route.name) }
        if event.source.isEmpty || event.source == Event.operatorSource || event.source == Event.hostSource {
            return .refuse(.reservedSource, route: route.name)
        }
        guard route.kinds.contains(event.kind) else {
            return .refuse(event.kind == .command ? .commandNotAllowed : .kindNotAllowed, route: route.name)
        }
        if let prefix = route.busPrefix { event.topic = prefix + "/" + event.topic }
        guard Topic.problem(in: event.topic, isFilter: false) == nil else { return .refuse(.invalidTopic, route: route.name) }
        event.via = origin
        event.sequence = 0
        return .publish(event, route: route.name)
    }
}

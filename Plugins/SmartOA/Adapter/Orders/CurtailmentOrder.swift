import AdapterKit

/// One revision of a curtailment order ("consigne") of a contract, as the adapter understands it
/// whatever the wire's names: over [start, end), stop the plant (`stop`, the wire's value 1) or
/// not (value 0); cancelled orders stop nothing.
struct CurtailmentOrder: Sendable, Hashable {
    enum Status: String, Sendable, Hashable {
        case active
        case cancelled
    }

    var curtailmentID: String
    var contractID: String
    var start: EventTime
    var end: EventTime
    /// Whether a stop is requested (the consigne's value 1).
    var stop: Bool
    /// The revision; grows with every change of the order.
    var version: Int64
    var status: Status

    /// Whether the plant must be stopped during [start, end).
    var stopsThePlant: Bool { stop && status == .active }

    /// The (curtailment, version) pair that identifies this revision.
    var key: OrderKey { OrderKey(curtailmentID: curtailmentID, version: version) }
}

/// Identifies an order revision: what an acknowledgement names.
struct OrderKey: Sendable, Hashable, CustomStringConvertible {
    var curtailmentID: String
    var version: Int64

    var description: String { "\(curtailmentID) v\(version)" }
}

/// An order revision as received: the order, its canonical JSON and that JSON's SHA-256.
struct OrderRevision: Sendable, Hashable {
    var order: CurtailmentOrder
    var body: [UInt8]
    var bodyHash: String
}

/// The faults injected into the simulator's answers (see ``SmartOASimulator``'s fault methods).
struct SmartOAFaults: Sendable {
    /// A fault for one API request.
    enum Fault: Sendable, Equatable {
        /// Answer `status` (5xx), with `Retry-After` when given.
        case fail(status: Int, retryAfter: Int?)
        /// Answer 429 with `Retry-After`.
        case rateLimit(retryAfter: Int)
        /// Close the connection without answering.
        case reset
    }

    /// Consumed one per API request, first in first out.
    var pending: [Fault] = []
    /// Answer 403 to every API request, as to an undeclared address.
    var forbidAll = false
    /// How long to delay the answer to a recorded `POST /acknowledgements`.
    var acknowledgementHold: Duration?
    /// The status refusing every `POST /acknowledgements`, unrecorded.
    var acknowledgementRefusal: Int?

    /// The next pending fault, removed.
    mutating func take() -> Fault? {
        pending.isEmpty ? nil : pending.removeFirst()
    }
}

/// Where the acknowledgement of an order revision stands, as the ledger keeps it.
enum AcknowledgementState: String, Sendable, Hashable, CaseIterable {
    /// Stored; waits for the plant's confirmation (`after_plant`) before it may be sent.
    case waiting
    /// Stored; to be sent.
    case pending
    /// Sent, no answer recorded yet. Found so after a restart, it is uncertain.
    case sending
    /// Sent, and the answer was lost (a timeout, a reset, a crash): the platform's acknowledgements
    /// are read before anything is sent again.
    case uncertain
    /// The platform has it (201, or 409: already acknowledged).
    case acknowledged
    /// The platform refused it (a 4xx other than 401, 403, 409, 429): not sent again on its own.
    case refused
    /// A newer revision of the order came before the plant confirmed this one (`after_plant`): it
    /// will never be executed as such, so it is not acknowledged.
    case superseded

    /// The states in which the revision still has to reach the platform.
    static let outstanding: [AcknowledgementState] = [.pending, .sending, .uncertain]
}

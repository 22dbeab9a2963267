import AdapterKit

/// What a contract's plant must be told, from the last command it was sent and whether the orders
/// ask for a stop now: pure.
///
/// A stop period starting (or found running at start-up with no curtailment sent) → `curtail`; the
/// period over, cancelled or moved away while curtailed → `release`. No order means no stop:
/// nothing is sent to a plant that was never curtailed. A period extended while curtailed needs no
/// command (the release comes at its new end).
enum PlantCommandDecision: Sendable, Hashable {
    case curtail(Range<EventTime>)
    case release

    /// The command to send, or nil when the plant is already as it must be.
    static func next(lastAction: String?, stopPeriod: Range<EventTime>?) -> PlantCommandDecision? {
        let curtailed = lastAction == "curtail"
        if let stopPeriod { return curtailed ? nil : .curtail(stopPeriod) }
        return curtailed ? .release : nil
    }
}

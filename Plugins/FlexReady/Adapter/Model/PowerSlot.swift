/// One step of a power time series: a power over `start` ..< `end` (GMT).
public struct PowerSlot: Sendable, Hashable {
    /// The power asked, offered or realized over the slot.
    public var power: FloatQuantity
    /// The slot's first instant.
    public var start: FlexTime
    /// The instant the slot ends (excluded).
    public var end: FlexTime

    /// A slot of `power` from `start` to `end`.
    public init(power: FloatQuantity, start: FlexTime, end: FlexTime) {
        self.power = power
        self.start = start
        self.end = end
    }
}

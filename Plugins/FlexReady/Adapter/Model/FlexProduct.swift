/// The flexibility service a request or an asset's potential is for.
public enum FlexProduct: String, Sendable, Hashable, CaseIterable {
    /// Wholesale intraday.
    case wholesaleIntraday = "WID"
    /// Wholesale day-ahead.
    case wholesaleDayAhead = "WDA"
}

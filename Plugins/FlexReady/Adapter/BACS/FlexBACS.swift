/// One building management system the adapter serves in the BACS role: its id, its level of
/// flexibility, and the assets it offers.
public struct FlexBACS: Sendable, Hashable {
    /// The BACS id (the emulator's are UUIDs).
    public var id: String
    /// Level 1 (acknowledgements) or 2 (explicit answers).
    public var level: FlexRequestEvaluator.Level
    /// Level 2: the lowest `askingPrice` accepted, €/MWh.
    public var minimumPrice: Double?
    /// Its assets, in the order getBACSAssets lists them.
    public var assets: [FlexAsset]
    /// Whether a period entirely in the past is evaluated like any other instead of refused (422):
    /// the emulator's data set, whose potentials all lie on 2025-04-02.
    public var acceptsPastPeriods: Bool

    public init(id: String, level: FlexRequestEvaluator.Level, minimumPrice: Double? = nil, assets: [FlexAsset], acceptsPastPeriods: Bool = false) {
        self.id = id
        self.level = level
        self.minimumPrice = minimumPrice
        self.assets = assets
        self.acceptsPastPeriods = acceptsPastPeriods
    }

    /// The asset `id`, if this BACS has it.
    public func asset(_ id: String) -> FlexAsset? { assets.first { $0.id == id } }
}

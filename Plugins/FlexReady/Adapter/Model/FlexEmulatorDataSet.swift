/// The emulator's data set (the référentiel's Annex 1): two BACS, three assets and their
/// potentials. The demo serves it, and the tests run the emulator's requests against it.
public enum FlexEmulatorDataSet {
    /// "BACS Whole Building Only": one asset.
    public static let bacs1 = "f47ac10b-58cc-4372-a567-0e02b2c3d479"
    /// "BACS Whole Building with Heating System": two assets.
    public static let bacs2 = "a987fbc9-4bed-4078-9f07-9141ba07c9f3"

    /// Both BACS at `level`. Their potentials all lie on 2025-04-02, the day the emulator's test
    /// sessions ask for: periods in the past are accepted (``FlexBACS/acceptsPastPeriods``).
    public static func bacs(level: FlexRequestEvaluator.Level, minimumPrice: Double? = nil) -> [FlexBACS] {
        [
            FlexBACS(id: bacs1, level: level, minimumPrice: minimumPrice, assets: [
                asset(FlexAsset.wholeBuilding, kW: 100, from: "2025-04-02T12:00:00", to: "2025-04-02T14:00:00"),
            ], acceptsPastPeriods: true),
            FlexBACS(id: bacs2, level: level, minimumPrice: minimumPrice, assets: [
                asset(FlexAsset.wholeBuilding, kW: 80, from: "2025-04-02T10:00:00", to: "2025-04-02T12:00:00"),
                asset("IRVE", kW: 50, from: "2025-04-02T14:00:00", to: "2025-04-02T16:00:00"),
            ], acceptsPastPeriods: true),
        ]
    }

    /// An asset of the data set: `WID`, a mobilization delay of 1 minute, 2 minutes at most, once a day.
    private static func asset(_ id: String, kW: Double, from start: String, to end: String) -> FlexAsset {
        FlexAsset(id: id, flexProduct: .wholesaleIntraday, potentials: [
            FlexPotential(
                power: FloatQuantity(unit: "W", multiplier: .kilo, value: kW), mobilizationDelayMinutes: 1, maxDurationMinutes: 2,
                maxActivationsPerDay: 1,
                availability: .windows([.init(start: FlexTime(parsing: start)!, end: FlexTime(parsing: end)!)])
            ),
        ])
    }
}

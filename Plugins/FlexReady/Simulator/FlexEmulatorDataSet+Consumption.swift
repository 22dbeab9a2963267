package import EnergyFlexReady

/// The consumption the emulator's BACS answers from: the values of the référentiel's Annex 1
/// (its history and its flex requests' consumption), over a generated base load so that every
/// asset has 35 days of quarter-hours (a month of hourly history, the référentiel's minimum).
package enum FlexEmulatorConsumption {
    /// Each asset's quarter-hour means from 30 days before `start` to 5 days after it.
    package static func quarters(around start: FlexTime) -> [(asset: FlexConsumptions.Asset, steps: [MeanPowerSeries.Step])] {
        let first = start.secondsSinceEpoch - start.secondsSinceEpoch % 86_400 - 30 * 86_400
        let annex = annexValues()
        return baseKilowatts.map { asset, kilowatts in
            let steps = (0..<(35 * 96)).map { index -> MeanPowerSeries.Step in
                let time = FlexTime(secondsSinceEpoch: first + Int64(index) * 900)
                // Day-time (06:00 to 18:00 GMT) draws half as much again as the night.
                let base = (6..<18).contains(time.hour) ? kilowatts * 1.5 : kilowatts
                return MeanPowerSeries.Step(start: time, watts: (annex[asset]?[time.secondsSinceEpoch] ?? base) * 1000)
            }
            return (asset, steps)
        }
    }

    /// The base load of each asset of the data set, kW (at night).
    private static let baseKilowatts: [(FlexConsumptions.Asset, Double)] = [
        (.init(bacsID: FlexEmulatorDataSet.bacs1, assetID: FlexAsset.wholeBuilding), 30),
        (.init(bacsID: FlexEmulatorDataSet.bacs2, assetID: FlexAsset.wholeBuilding), 40),
        (.init(bacsID: FlexEmulatorDataSet.bacs2, assetID: "IRVE"), 10),
    ]

    /// The Annex's values: kW of each quarter-hour (by its start), per asset.
    private static func annexValues() -> [FlexConsumptions.Asset: [Int64: Double]] {
        var values: [FlexConsumptions.Asset: [Int64: Double]] = [:]
        func set(_ bacs: String, _ asset: String, _ from: String, quarters: Int, _ kilowatts: Double) {
            let start = FlexTime(parsing: from)!.secondsSinceEpoch
            for quarter in 0..<quarters { values[.init(bacsID: bacs, assetID: asset), default: [:]][start + Int64(quarter) * 900] = kilowatts }
        }
        let whole = FlexAsset.wholeBuilding
        set(FlexEmulatorDataSet.bacs1, whole, "2025-04-01T12:00:00", quarters: 1, 50)
        set(FlexEmulatorDataSet.bacs1, whole, "2025-04-01T12:15:00", quarters: 1, 45.5)
        set(FlexEmulatorDataSet.bacs1, whole, "2025-04-02T10:00:00", quarters: 1, 80)
        set(FlexEmulatorDataSet.bacs1, whole, "2025-04-03T11:00:00", quarters: 5, 75)
        set(FlexEmulatorDataSet.bacs2, "IRVE", "2025-04-05T09:00:00", quarters: 1, 50)
        set(FlexEmulatorDataSet.bacs2, whole, "2025-04-05T09:00:00", quarters: 1, 50)
        return values
    }
}

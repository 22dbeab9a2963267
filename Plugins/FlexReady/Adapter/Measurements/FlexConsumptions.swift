package import AdapterKit

/// The assets' consumption, from their meters' measurements: quarter-hour and hourly mean power
/// per asset, stored, and read back for realiseFlexRequest, getBACSAssetsHisto and
/// getBACSAssetsConsos.
package actor FlexConsumptions {
    /// An asset fed by a meter.
    package struct Asset: Hashable, Sendable {
        package var bacsID: String
        package var assetID: String

        package init(bacsID: String, assetID: String) {
            self.bacsID = bacsID
            self.assetID = assetID
        }
    }

    private let meters: [String: [Asset]]
    private let store: MeanPowerStore
    private var quarters: [Asset: MeanPowerSeries] = [:]
    private var hours: [Asset: MeanPowerSeries] = [:]
    private var prunedDay: Int64 = 0

    /// Consumptions of the assets `meters` maps from the meter's adapter id (the measurements'
    /// source), stored at `storePath`.
    package init(meters: [String: [Asset]], storePath: String) throws {
        self.meters = meters
        store = try MeanPowerStore(path: storePath)
    }

    /// Whether measurements from `source` feed an asset.
    package nonisolated func feeds(from source: String) -> Bool { meters[source] != nil }

    /// Takes a measurement of `source` published at `nanoseconds` since the epoch.
    package func record(_ measurement: EnergyMeasurement, from source: String, at nanoseconds: Int64) async throws {
        guard let assets = meters[source], let wattHours = EnergyIndexReading.wattHours(in: measurement) else { return }
        for asset in assets {
            let quarterSteps = quarters[asset, default: MeanPowerSeries(stepSeconds: 900)].add(nanoseconds: nanoseconds, wattHours: wattHours)
            let hourSteps = hours[asset, default: MeanPowerSeries(stepSeconds: 3600)].add(nanoseconds: nanoseconds, wattHours: wattHours)
            try await store.save(quarterSteps, bacsID: asset.bacsID, assetID: asset.assetID, stepSeconds: 900)
            try await store.save(hourSteps, bacsID: asset.bacsID, assetID: asset.assetID, stepSeconds: 3600)
        }
        let day = nanoseconds / 86_400_000_000_000
        if day != prunedDay {
            prunedDay = day
            try await store.prune(before: FlexTime(secondsSinceEpoch: nanoseconds / 1_000_000_000 - MeanPowerStore.retentionSeconds))
        }
    }

    /// Stores quarter-hour means given as they are (a recorded data set, the emulator's), and the
    /// hourly mean of each hour whose four quarters are given.
    package func seed(quarters steps: [MeanPowerSeries.Step], of asset: Asset) async throws {
        var hours: [Int64: [Double]] = [:]
        for step in steps { hours[step.start.secondsSinceEpoch - step.start.secondsSinceEpoch % 3600, default: []].append(step.watts) }
        let hourly = hours.filter { $0.value.count == 4 }.map { MeanPowerSeries.Step(start: FlexTime(secondsSinceEpoch: $0.key), watts: $0.value.reduce(0, +) / 4) }
        try await store.save(steps, bacsID: asset.bacsID, assetID: asset.assetID, stepSeconds: 900)
        try await store.save(hourly.sorted { $0.start.secondsSinceEpoch < $1.start.secondsSinceEpoch }, bacsID: asset.bacsID, assetID: asset.assetID, stepSeconds: 3600)
    }

    /// The asset's quarter-hour means over `start ..< end` (from the quarter `start` is in).
    func quarters(of asset: Asset, from start: FlexTime, to end: FlexTime) async throws -> [MeanPowerSeries.Step] {
        let first = FlexTime(secondsSinceEpoch: start.secondsSinceEpoch - ((start.secondsSinceEpoch % 900) + 900) % 900)
        return try await store.steps(bacsID: asset.bacsID, assetID: asset.assetID, stepSeconds: 900, from: first, to: end)
    }

    /// The asset's hourly means of the 30 days before `now` (720 values when nothing is missing).
    func history(of asset: Asset, now: FlexTime) async throws -> [MeanPowerSeries.Step] {
        try await store.steps(bacsID: asset.bacsID, assetID: asset.assetID, stepSeconds: 3600, from: now.adding(seconds: -30 * 86_400), to: now)
    }

    /// The asset's latest quarter-hour mean, if it started less than an hour before `now`.
    func current(of asset: Asset, now: FlexTime) async throws -> MeanPowerSeries.Step? {
        try await store.steps(bacsID: asset.bacsID, assetID: asset.assetID, stepSeconds: 900, from: now.adding(seconds: -3600), to: now).last
    }
}

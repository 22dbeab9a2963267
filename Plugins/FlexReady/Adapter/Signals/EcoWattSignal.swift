package import AdapterKit

/// RTE's EcoWatt signal (API `ecowatt` v5, `GET /open_api/ecowatt/v5/signals`): for each local day
/// (`jour`, with its offset) 24 hourly values (`pas` 0–23, `hvalue`). Each hour becomes a
/// `tariff_signal` whose period names the level: `ECOWATT_VERT_DECARBONE` (0: green, low-carbon
/// production), `ECOWATT_VERT` (1), `ECOWATT_ORANGE` (2: tense), `ECOWATT_ROUGE` (3: very tense,
/// cuts possible without less consumption).
package enum EcoWattSignal {
    /// The signals' path on RTE's API.
    package static let path = "/open_api/ecowatt/v5/signals"

    /// The period of an `hvalue`.
    package static func period(_ value: Int) -> String? {
        switch value {
        case 0: "ECOWATT_VERT_DECARBONE"
        case 1: "ECOWATT_VERT"
        case 2: "ECOWATT_ORANGE"
        case 3: "ECOWATT_ROUGE"
        default: nil
        }
    }

    /// The hourly tariff signals of an answer, day after day.
    package static func signals(in text: String) throws(SupplierSignal.Invalid) -> [EnergyTariffSignal] {
        let document: JSONValue
        do { document = try JSONValue.parse(text) } catch { throw SupplierSignal.Invalid(description: "\(error)") }
        guard let days = document["signals"]?.arrayValue else { throw SupplierSignal.Invalid(description: "signals: missing or not a list") }
        var signals: [(start: Int64, signal: EnergyTariffSignal)] = []
        for (index, day) in days.enumerated() {
            guard let midnight = FlexTime(parsing: day["jour"]?.stringValue ?? "") else {
                throw SupplierSignal.Invalid(description: "signals[\(index)].jour: not a date and time with its offset")
            }
            for (position, hour) in (day["values"]?.arrayValue ?? []).enumerated() {
                guard let step = hour["pas"]?.intValue, (0...23).contains(step), let level = hour["hvalue"]?.intValue, let period = period(level) else {
                    throw SupplierSignal.Invalid(description: "signals[\(index)].values[\(position)]: needs pas 0-23 and hvalue 0-3")
                }
                let start = midnight.secondsSinceEpoch + Int64(step) * 3600
                var signal = EnergyTariffSignal()
                signal.start = EventTime(nanosecondsSinceEpoch: start * 1_000_000_000).timestamp
                signal.end = EventTime(nanosecondsSinceEpoch: (start + 3600) * 1_000_000_000).timestamp
                signal.period = period
                signal.origin = "ecowatt"
                signals.append((start, signal))
            }
        }
        return signals.sorted { $0.start < $1.start }.map(\.signal)
    }
}

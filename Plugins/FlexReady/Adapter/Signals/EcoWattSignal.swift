package import AdapterKit
import AdapterKitSchedules

/// RTE's EcoWatt signal (API `ecowatt` v5, `GET /open_api/ecowatt/v5/signals`): for each French
/// local day (`jour`) 24 hourly values (`pas` 0–23, the hour of the day, `hvalue`). Each hour
/// becomes a `tariff_signal` from `pas`:00 to the next hour, French legal time (``ParisTime``: no
/// time-zone data needed). On the day clocks go forward the hour that does not exist (02:00) is
/// left out; on the day they go back 02:00 lasts until 03:00, two hours. Its period names the
/// level: `ECOWATT_VERT_DECARBONE` (0: green, low-carbon production), `ECOWATT_VERT` (1),
/// `ECOWATT_ORANGE` (2: tense), `ECOWATT_ROUGE` (3: very tense, cuts possible without less
/// consumption).
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
            let jour = day["jour"]?.stringValue ?? ""
            guard FlexTime(parsing: jour) != nil, let date = localDate(jour) else {
                throw SupplierSignal.Invalid(description: "signals[\(index)].jour: not a date and time with its offset")
            }
            for (position, hour) in (day["values"]?.arrayValue ?? []).enumerated() {
                guard let step = hour["pas"]?.intValue, (0...23).contains(step), let level = hour["hvalue"]?.intValue, let period = period(level) else {
                    throw SupplierSignal.Invalid(description: "signals[\(index)].values[\(position)]: needs pas 0-23 and hvalue 0-3")
                }
                let start = secondsSinceEpoch(of: date, hour: step), end = secondsSinceEpoch(of: date, hour: step + 1)
                guard end > start else { continue }  // 02:00 on the day clocks go forward
                var signal = EnergyTariffSignal()
                signal.start = EventTime(nanosecondsSinceEpoch: start * 1_000_000_000).timestamp
                signal.end = EventTime(nanosecondsSinceEpoch: end * 1_000_000_000).timestamp
                signal.period = period
                signal.origin = "ecowatt"
                signals.append((start, signal))
            }
        }
        return signals.sorted { $0.start < $1.start }.map(\.signal)
    }

    /// The year, month and day of `jour` (`YYYY-MM-DD…`), a French day.
    private static func localDate(_ jour: String) -> ParisDay? {
        let parts = jour.prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return ParisDay(year: parts[0], month: parts[1], day: parts[2])
    }

    /// `hour`:00 (24: the next midnight) of the French day, seconds since the epoch; the hour
    /// skipped by the clocks in March is the same instant as the next one (``ParisTime``).
    private static func secondsSinceEpoch(of day: ParisDay, hour: Int) -> Int64 {
        hour == 24 ? day.next.start.nanosecondsSinceEpoch / 1_000_000_000
            : ParisTime.secondsSinceEpoch(year: day.year, month: day.month, day: day.day, hour: hour, minute: 0, second: 0)
    }
}

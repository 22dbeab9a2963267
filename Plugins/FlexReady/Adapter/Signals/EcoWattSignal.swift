package import AdapterKit
import Foundation

/// RTE's EcoWatt signal (API `ecowatt` v5, `GET /open_api/ecowatt/v5/signals`): for each French
/// local day (`jour`) 24 hourly values (`pas` 0–23, the hour of the day, `hvalue`). Each hour
/// becomes a `tariff_signal` from `pas`:00 to the next hour, French time (Europe/Paris): on the day
/// clocks go forward the hour that does not exist (02:00) is left out, on the day they go back
/// 02:00 lasts until 03:00, two hours. Its period names the level: `ECOWATT_VERT_DECARBONE` (0: green, low-carbon
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
            let jour = day["jour"]?.stringValue ?? ""
            guard FlexTime(parsing: jour) != nil, let date = localDate(jour) else {
                throw SupplierSignal.Invalid(description: "signals[\(index)].jour: not a date and time with its offset")
            }
            for (position, hour) in (day["values"]?.arrayValue ?? []).enumerated() {
                guard let step = hour["pas"]?.intValue, (0...23).contains(step), let level = hour["hvalue"]?.intValue, let period = period(level) else {
                    throw SupplierSignal.Invalid(description: "signals[\(index)].values[\(position)]: needs pas 0-23 and hvalue 0-3")
                }
                guard let start = secondsSinceEpoch(of: date, hour: step), let end = secondsSinceEpoch(of: date, hour: step + 1), end > start else {
                    continue  // 02:00 on the day clocks go forward
                }
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

    /// The French calendar (Europe/Paris).
    private static let paris: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? TimeZone(secondsFromGMT: 3600)!
        return calendar
    }()

    /// The year, month and day of `jour` (`YYYY-MM-DD…`).
    private static func localDate(_ jour: String) -> DateComponents? {
        let parts = jour.prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return DateComponents(year: parts[0], month: parts[1], day: parts[2])
    }

    /// `hour`:00 (24: the next midnight) of the French local `date`, seconds since the epoch; an
    /// hour skipped by the clocks gives the next one that exists.
    private static func secondsSinceEpoch(of date: DateComponents, hour: Int) -> Int64? {
        var components = date
        components.hour = 0
        guard let midnight = paris.date(from: components),
            let time = hour == 24 ? paris.date(byAdding: .day, value: 1, to: midnight) : paris.date(bySettingHour: hour, minute: 0, second: 0, of: midnight, matchingPolicy: .nextTime, direction: .forward)
        else { return nil }
        return Int64(time.timeIntervalSince1970)
    }
}

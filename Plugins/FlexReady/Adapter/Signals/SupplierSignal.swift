package import AdapterKit
import Foundation

/// The supplier's signal (the référentiel's `GetCommodityPriceExchange`): for the next
/// `DateTimeInterval` hours, one value per quarter-hour with the subscribed power (kVA), the price
/// (€/kWh) and the carbon footprint (gCO2eq/kWh, may be empty). Each value becomes a
/// `tariff_signal` over its quarter-hour.
package enum SupplierSignal {
    /// Why an answer was not read.
    package struct Invalid: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    /// The request's path: `/GetCommodityPriceExchange/{building_id}?DateTimeInterval={hours}&DP={dp}`
    /// (the référentiel gives the function, its inputs and the building's id "en point d'entrée",
    /// not the route).
    package static func path(buildingID: String, hours: Int, deliveryPoint: String) -> String {
        let id = buildingID.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? buildingID
        return "/GetCommodityPriceExchange/\(id)?DateTimeInterval=\(hours)&DP=\(deliveryPoint)"
    }

    /// The tariff signals of an answer for `deliveryPoint`: one per value, in step order.
    package static func signals(in text: String, deliveryPoint: String) throws(Invalid) -> [EnergyTariffSignal] {
        let document: JSONValue
        do { document = try JSONValue.parse(text) } catch { throw Invalid(description: "\(error)") }
        guard document.objectValue != nil else { throw Invalid(description: "the answer is not a JSON object") }
        let dp = document["DP"].flatMap { $0.stringValue ?? $0.numberValue.map { String(format: "%.0f", $0) } }
        guard dp == deliveryPoint else { throw Invalid(description: "DP: \(dp ?? "missing"), not the delivery point \(deliveryPoint)") }
        guard let values = document["Values"]?.arrayValue else { throw Invalid(description: "Values: missing or not a list") }
        var signals: [(step: Int, signal: EnergyTariffSignal)] = []
        for (index, value) in values.enumerated() {
            guard let step = value["Step"]?.intValue, let start = FlexTime(parsing: value["Day"]?.stringValue ?? ""),
                let cost = value["Cost"]?.numberValue, cost.isFinite
            else {
                throw Invalid(description: "Values[\(index)]: needs Step, Day (YYYY-MM-DDThh:mm:ss+hh:mm) and Cost")
            }
            var signal = EnergyTariffSignal()
            signal.start = EventTime(nanosecondsSinceEpoch: start.secondsSinceEpoch * 1_000_000_000).timestamp
            signal.end = EventTime(nanosecondsSinceEpoch: (start.secondsSinceEpoch + 900) * 1_000_000_000).timestamp
            signal.period = "SUPPLIER"
            signal.price = cost
            signal.currency = "EUR"
            signal.origin = "supplier"
            if let power = value["Power"]?.numberValue, power.isFinite { signal.subscribedPower = power }
            if let co2 = value["CO2"]?.numberValue, co2.isFinite { signal.co2 = co2 }
            signals.append((step, signal))
        }
        return signals.sorted { $0.step < $1.step }.map(\.signal)
    }
}

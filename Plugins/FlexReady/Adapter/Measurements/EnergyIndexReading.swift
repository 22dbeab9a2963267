import AdapterKit

/// The total active energy imported that a measurement reports, Wh: its `total` register when it
/// has one, else the sum of its registers (a Linky's tariff indexes), valid values only; nil when
/// it reports none.
enum EnergyIndexReading {
    static func wattHours(in measurement: EnergyMeasurement) -> Double? {
        let imports = measurement.values.filter {
            $0.quantity == Quantity.activeEnergyImport.rawValue && $0.unit == "Wh" && $0.quality != "invalid" && $0.value.isFinite
        }
        guard !imports.isEmpty else { return nil }
        if let total = imports.first(where: { $0.register == "total" }) { return total.value }
        return imports.reduce(0) { $0 + $1.value }
    }
}

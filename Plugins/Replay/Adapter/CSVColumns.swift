import AdapterKit
import Foundation

/// How a CSV file's header maps to time and quantities.
///
/// The time column is named `time`, `time_utc` or `timestamp` (RFC 3339, or seconds since the
/// epoch). Every other column is `<quantity>[_<unit>][@<phase>]`, e.g. `frequency_hz`,
/// `active_power_import_kw`, `voltage_v@1`: a quantity of the vocabulary, an optional unit that
/// says how to scale to the SI unit, an optional phase. `columns` in the configuration renames
/// headers that do not follow this (`{"P (kW)": "active_power_import_kw"}`).
struct CSVColumns {
    struct Column {
        var index: Int
        var quantity: Quantity
        var scale: Double
        var phase: UInt32
        /// The SI unit values are converted to (a quantity's own, or W for a subscribed power in W).
        var unit: String
    }

    let timeIndex: Int
    let columns: [Column]

    private static let timeNames: Set<String> = ["time", "time_utc", "timestamp"]
    /// Unit suffixes: the SI unit they scale to, and the factor.
    private static let units: [String: (unit: String, factor: Double)] = [
        "w": ("W", 1), "kw": ("W", 1e3), "mw": ("W", 1e6), "va": ("VA", 1), "kva": ("VA", 1e3), "mva": ("VA", 1e6),
        "var": ("var", 1), "kvar": ("var", 1e3), "wh": ("Wh", 1), "kwh": ("Wh", 1e3), "mwh": ("Wh", 1e6),
        "varh": ("varh", 1), "kvarh": ("varh", 1e3), "vah": ("VAh", 1), "kvah": ("VAh", 1e3), "a": ("A", 1),
        "v": ("V", 1), "kv": ("V", 1e3), "hz": ("Hz", 1),
    ]

    init(header: String, renames: [String: String], file: String) throws {
        var timeIndex: Int?
        var columns: [Column] = []
        for (index, rawName) in CSVColumns.split(header).enumerated() {
            let name = renames[rawName] ?? rawName
            if CSVColumns.timeNames.contains(name.lowercased()) {
                timeIndex = index
                continue
            }
            guard let column = CSVColumns.parse(name, index: index) else {
                throw AdapterError(
                    .invalidConfiguration,
                    "\(file): column \(index + 1) \"\(rawName)\" is not <quantity>[_<unit>][@<phase>] with a unit of that quantity; map it with config.columns"
                )
            }
            columns.append(column)
        }
        guard let timeIndex else {
            throw AdapterError(.invalidConfiguration, "\(file): no time column (time, time_utc or timestamp) in the header")
        }
        guard !columns.isEmpty else {
            throw AdapterError(.invalidConfiguration, "\(file): no quantity column in the header")
        }
        self.timeIndex = timeIndex
        self.columns = columns
    }

    /// Splits a CSV line on commas (quoted fields keep their commas).
    static func split(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        for character in line {
            switch character {
            case "\"": quoted.toggle()
            case "," where !quoted:
                fields.append(field.trimmingCharacters(in: .whitespaces))
                field = ""
            default: field.append(character)
            }
        }
        fields.append(field.trimmingCharacters(in: .whitespaces))
        return fields
    }

    private static func parse(_ name: String, index: Int) -> Column? {
        var text = name.lowercased()
        var phase: UInt32 = 0
        if let at = text.lastIndex(of: "@") {
            guard let value = UInt32(text[text.index(after: at)...]), (1...3).contains(value) else { return nil }
            phase = value
            text = String(text[..<at])
        }
        if let quantity = Quantity(rawValue: text) {
            return Column(index: index, quantity: quantity, scale: 1, phase: phase, unit: quantity.unit)
        }
        guard let underscore = text.lastIndex(of: "_"),
            let quantity = Quantity(rawValue: String(text[..<underscore])),
            let unit = units[String(text[text.index(after: underscore)...])],
            unit.unit == quantity.unit || (quantity == .subscribedPower && unit.unit == "W")
        else { return nil }
        return Column(index: index, quantity: quantity, scale: unit.factor, phase: phase, unit: unit.unit)
    }
}

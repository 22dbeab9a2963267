import AdapterKit

/// What the normalizer does with one label of a family, worked out once from its ``TICLabel``:
/// per frame, a value is then read from the data's bytes with no string lookups.
///
/// A rule holds positions in its ``TICLabelRules`` (names, units, unit suffixes) rather than
/// strings and arrays: reading one per value retains nothing.
struct TICLabelRule: Sendable {
    /// A unit suffix the label's data may carry, resolved against the quantity.
    struct Unit: Sendable {
        /// The SI unit the value is published in (its name's bytes among the rules' names).
        var name: Range<Int>
        /// The factor from the transmitted unit to it (`kWh` → 1000).
        var factor: Double
        /// Whether the unit is the quantity's own (a subscribed power may also be in W).
        var isAccepted: Bool
    }

    let role: TICLabel.Role?
    /// The name of the quantity its value is (a `Quantity` raw value), if any, among the rules' names.
    private let quantity: Range<Int>?
    /// The name of the quantity's SI unit.
    private let unit: Range<Int>
    /// The register of its values; nil: the label as sent for energies, none for the others.
    private let register: Range<Int>?
    private let isEnergy: Bool
    private let phase: UInt32
    private let parser: TICFieldParser
    /// The factor of a value sent without a unit.
    private let scale: Double
    /// The units of the label's format, in its order, among the rules' units.
    private let units: Range<Int>

    /// The rule of `entry`, whose names, units and unit suffixes go to `rules`.
    init(_ entry: TICLabel, adding rules: inout TICLabelRules) {
        role = entry.role
        let quantity = entry.quantity.flatMap(Quantity.init(rawValue:))
        self.quantity = quantity.map { rules.addName($0.rawValue) }
        unit = rules.addName(quantity?.unit ?? "")
        register = entry.register.map { rules.addName($0) }
        isEnergy = quantity?.unit.hasSuffix("h") ?? false
        phase = entry.phase ?? 0
        parser = TICFieldParser(entry.format, suffixes: &rules.suffixes)
        scale = entry.scale ?? 1
        units = rules.addUnits(entry.format.units.map { suffix in
            guard let quantity, let (unit, factor) = Self.unit(suffix) else { return (name: "", factor: 0, isAccepted: false) }
            return (name: unit, factor: factor, isAccepted: unit == quantity.unit || (quantity == .subscribedPower && unit == "W"))
        })
    }

    /// The value of `data`, sent under `label`, by the rule at `position` among `rules`; nil when
    /// the label has no quantity or the data does not give a number of an accepted unit.
    /// `checked`: how the family's check of the label's format read the data, if it did
    /// (``TICGroupSpan/checkedValue``); the data are not parsed again then.
    func value(
        of data: Slice<UnsafeRawBufferPointer>, label: Slice<UnsafeRawBufferPointer>, position: Int, checked: TICFieldParser.Reading?,
        in rules: TICLabelRules.View
    ) -> TICNormalizedValue? {
        guard let quantity else { return nil }
        guard let reading = checked ?? parser.parse(utf8: data, suffixes: rules.suffixes) else { return nil }
        let unitIndex = reading.unit
        var unit = unit
        var factor = scale
        if let unitIndex {
            let transmitted = rules.units[units.lowerBound + unitIndex]
            guard transmitted.isAccepted else { return nil }
            unit = transmitted.name
            factor = transmitted.factor
        }
        guard let number = TICNumber.parse(data.prefix(reading.count), decimalComma: parser.characters == .decimalComma) else { return nil }
        return TICNormalizedValue(
            quantity: rules.names[quantity], number: number * factor, unit: rules.names[unit],
            register: register.map { rules.names[$0] } ?? (isEnergy ? label : nil), registerIsLabel: register == nil && isEnergy,
            phase: phase, form: TICNormalizedValue.Form(rule: position, unit: unitIndex)
        )
    }

    /// Unit suffixes transmitted by PME-PMI meters: the SI unit and the factor to it.
    private static func unit(_ suffix: String) -> (unit: String, factor: Double)? {
        switch suffix {
        case "Wh": ("Wh", 1)
        case "kWh": ("Wh", 1e3)
        case "varh": ("varh", 1)
        case "kvarh": ("varh", 1e3)
        case "VAh": ("VAh", 1)
        case "kVAh": ("VAh", 1e3)
        case "W": ("W", 1)
        case "kW": ("W", 1e3)
        case "VA": ("VA", 1)
        case "kVA": ("VA", 1e3)
        case "var": ("var", 1)
        case "kvar": ("var", 1e3)
        case "V": ("V", 1)
        case "A": ("A", 1)
        default: nil
        }
    }
}

public import AdapterKit

/// Turns a frame into the normalized vocabulary (ARCHITECTURE.md §3): one measurement, an atomic
/// snapshot of the frame's valid groups, and the alarms the frame holds.
public struct TICNormalizer: Sendable {
    /// An alarm label present in a frame (`ADPS`, `PREAVIS`).
    public struct ActiveAlarm: Sendable, Hashable {
        /// The alarm code (`adps`).
        public var code: String
        /// The label that raised it.
        public var label: String
        /// Its data (`045` A for `ADPS`, `DEP` for `PREAVIS`).
        public var data: String
    }

    /// The family whose dictionary gives the meaning of labels.
    public var family: TICFamily
    /// The device id when the frame carries none.
    public var defaultDeviceID: String

    public init(family: TICFamily, defaultDeviceID: String) {
        self.family = family
        self.defaultDeviceID = defaultDeviceID
    }

    /// Unit suffixes transmitted by PME-PMI meters: the SI unit and the factor to it.
    private static let units: [String: (unit: String, factor: Double)] = [
        "Wh": ("Wh", 1), "kWh": ("Wh", 1e3), "varh": ("varh", 1), "kvarh": ("varh", 1e3), "VAh": ("VAh", 1),
        "kVAh": ("VAh", 1e3), "W": ("W", 1), "kW": ("W", 1e3), "VA": ("VA", 1), "kVA": ("VA", 1e3),
        "var": ("var", 1), "kvar": ("var", 1e3), "V": ("V", 1), "A": ("A", 1),
    ]

    /// The measurement of `frame`: values in SI units, device id, meter time in UTC, tariff
    /// period, and every valid group raw (`LABEL` → data, `LABEL.horodate` → horodate).
    public func measurement(of frame: TICFrame) -> EnergyMeasurement {
        var measurement = EnergyMeasurement()
        measurement.deviceID = defaultDeviceID
        for group in frame.groups {
            measurement.raw[group.label] = group.data
            if let horodate = group.horodate { measurement.raw[group.label + ".horodate"] = horodate }
            guard let entry = family.entry(for: group.label) else { continue }
            switch entry.role {
            case .deviceID: measurement.deviceID = group.data
            case .meterTime:
                if let seconds = Self.meterTime(group) { measurement.meterTime = EventTime(nanosecondsSinceEpoch: seconds * 1_000_000_000).timestamp }
            case .tariffPeriod: measurement.tariffPeriod = Self.trimmed(group.data)
            case .alarm, nil: break
            }
            if let value = value(of: group, entry: entry) { measurement.values.append(value) }
        }
        return measurement
    }

    /// The alarm labels present in `frame`.
    public func alarms(in frame: TICFrame) -> [ActiveAlarm] {
        frame.groups.compactMap { group in
            guard let entry = family.entry(for: group.label), entry.role == .alarm else { return nil }
            return ActiveAlarm(code: entry.alarm ?? group.label.lowercased(), label: group.label, data: group.data)
        }
    }

    private func value(of group: TICGroup, entry: TICLabel) -> EnergyValue? {
        guard let name = entry.quantity, let quantity = Quantity(rawValue: name),
            let (text, unitSuffix) = entry.format.split(group.data)
        else { return nil }
        let number = entry.format.characters == .decimalComma ? Double(text.replacing(",", with: ".")) : Double(text)
        guard let number else { return nil }
        var unit = quantity.unit
        var factor = entry.scale ?? 1
        if !unitSuffix.isEmpty {
            guard let known = Self.units[unitSuffix] else { return nil }
            (unit, factor) = known
        }
        // A unit that is not the quantity's own is refused, except a subscribed power stated in W.
        guard unit == quantity.unit || (quantity == .subscribedPower && unit == "W") else { return nil }
        let isEnergy = quantity.unit.hasSuffix("h")
        var value = EnergyValue(quantity, number * factor, register: entry.register ?? (isEnergy ? group.label : ""), phase: entry.phase ?? 0)
        value.unit = unit
        return value
    }

    private static func meterTime(_ group: TICGroup) -> Int64? {
        if let horodate = group.horodate { return TICHorodate(horodate)?.secondsSinceEpoch }
        return TICWallTime(group.data)?.parisSecondsSinceEpoch
    }

    /// Drops the padding of tariff names: spaces around, dots after (`TH..` → `TH`).
    static func trimmed(_ data: String) -> String {
        var text = Substring(data)
        while let last = text.last, last == " " || last == "." { text = text.dropLast() }
        while text.first == " " { text = text.dropFirst() }
        return String(text)
    }
}

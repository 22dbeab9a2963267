import AdapterKit

// The PME-PMI dictionary (02E §2.9, Tableau 10; tic.md §7.1). Units are transmitted glued to the
// values; labels are matched regardless of case; `_s` is drawn, `_i` injected; calendar 1 is the
// distributor's, calendar 2 the supplier's.

extension TICFamily {
    /// PME-PMI meters (BT > 36 kVA and HTA): RS-232, 1200 Bd by default (up to 19200), SP,
    /// checksum like historic mode 1, data that may contain SP.
    public static let pmePmi = TICFamily(
        name: "pme-pmi",
        checksum: .pmePmi,
        baudRates: [1200, 2400, 4800, 9600, 19200],
        caseInsensitiveLabels: true,
        identifyingLabels: ["MESURES1", "TRAME", "ADS"],
        labels: [
            TICLabel("TRAME", .init(.text, width: 1...16)),
            TICLabel("ADS", .init(.hex, width: 1...16), role: .deviceID),
            TICLabel("MESURES1", .init(.text, width: 1...16)),
            TICLabel("MESURES2", .init(.text, width: 1...16)),
            TICLabel("DATE", .init(.date, width: 17), role: .meterTime),
            energy("EA_s", .activeEnergyImport, ["Wh"]),
            energy("EA_i", .activeEnergyExport, ["Wh"]),
            energy("ER+_s", .reactiveEnergyQ1, ["varh"]),
            energy("ER-_s", .reactiveEnergyQ4, ["varh"]),
            energy("ER+_i", .reactiveEnergyQ2, ["varh"]),
            energy("ER-_i", .reactiveEnergyQ3, ["varh"]),
            energy("EAPP_s", .apparentEnergy, ["VAh"]),
            energy("EAPP_i", nil, ["VAh"]),
            TICLabel("PTCOUR1", .init(.paddedAlphanumeric, width: 1...3), role: .tariffPeriod),
            TICLabel("PTCOUR2", .init(.paddedAlphanumeric, width: 1...3)),
            TICLabel("TARIFDYN", .init(.text, width: 1...8)),
            TICLabel("MODE", .init(.text, width: 1...8)),
            TICLabel("CONFIG", .init(.text, width: 1...5)),
        ] + (1...6).flatMap { (point: Int) in
            [
                TICLabel("DATEPA\(point)", .init(.date, width: 17)),
                TICLabel("PA\(point)_s", .init(.digits, width: 1...5, units: ["kW"])),
                TICLabel("PA\(point)_i", .init(.digits, width: 1...5, units: ["kW"])),
            ]
        } + ["DebP", "DebP-1", "FinP-1", "DebP_2", "DebP-1_2", "FinP-1_2"].map { TICLabel($0, .init(.date, width: 17)) } + [
            energy("EAP_s", .activeEnergyImport, ["kWh"], digits: 1...7),
            energy("EAP_i", .activeEnergyExport, ["kWh"], digits: 1...7),
            energy("EaP-1_s", .activeEnergyImport, ["kWh"], digits: 1...7),
            energy("EaP-1_i", .activeEnergyExport, ["kWh"], digits: 1...7),
            energy("EaP_s2", .activeEnergyImport, ["kWh"], digits: 1...7),
            energy("EaP-1_s2", .activeEnergyImport, ["kWh"], digits: 1...7),
        ] + ["ER+P_s", "ER-P_s", "ER+P_i", "ER-P_i", "ER+P-1_s", "ER-P-1_s", "ER+P-1_i", "ER-P-1_i"].map {
            energy($0, nil, ["kvarh"], digits: 1...7)
        } + [
            TICLabel("PS", .init(.digits, width: 1...5, units: ["kVA", "kW"]), quantity: .subscribedPower),
            TICLabel("PREAVIS", .init(.text, width: 1...3), role: .alarm, alarm: "preavis"),
            TICLabel("PA1MN", .init(.digits, width: 1...5, units: ["kW"]), quantity: .activePowerImport),
            TICLabel("PMAX_s", .init(.digits, width: 1...5, units: ["kVA", "kW"])),
            TICLabel("PMAX_i", .init(.digits, width: 1...5, units: ["kVA", "kW"])),
            TICLabel("TGPHI_s", .init(.decimalComma, width: 4...8), quantity: .tanPhi, register: "import"),
            TICLabel("TGPHI_i", .init(.decimalComma, width: 4...8), quantity: .tanPhi, register: "export"),
        ] + [1, 2].flatMap { (calendar: Int) in
            [
                TICLabel("ETATDYN\(calendar)", .init(.text, width: 1...16)),
                TICLabel("PREAVIS\(calendar)", .init(.text, width: 1...16)),
                TICLabel("TDYN\(calendar)CD", .init(.text, width: 1...24)),
                TICLabel("TDYN\(calendar)CF", .init(.text, width: 1...24)),
                TICLabel("TDYN\(calendar)FD", .init(.text, width: 1...24)),
                TICLabel("TDYN\(calendar)FF", .init(.text, width: 1...24)),
            ]
        }
    )

    /// An energy with its unit glued on, registered under its label.
    private static func energy(_ label: String, _ quantity: Quantity?, _ units: [String], digits: ClosedRange<Int> = 1...10) -> TICLabel {
        TICLabel(label, .init(.digits, width: digits, units: units), quantity: quantity)
    }

    /// The built-in families.
    public static let builtIn: [TICFamily] = [.linkyHistoric, .linkyStandard, .pmePmi]
}

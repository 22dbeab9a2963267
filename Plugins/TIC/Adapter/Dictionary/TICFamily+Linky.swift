import AdapterKit

// The Linky dictionaries: historic mode (also the older electronic meters, 02E §2.3–2.5) and
// standard mode (54E §6.2.2). Widths, units and meanings: tic.md §5 and §6.2.

extension TICFamily {
    /// Linky "historique" and the older CBEMM/CBETM meters: 1200 Bd, SP, checksum "mode 1".
    public static let linkyHistoric = TICFamily(
        name: "linky-historic",
        checksum: .historic,
        baudRates: [1200],
        identifyingLabels: ["ADCO"],
        labels: [
            TICLabel("ADCO", .init(.alphanumeric, width: 12), role: .deviceID),
            TICLabel("OPTARIF", .init(.text, width: 4)),
            TICLabel("ISOUSC", .init(.digits, width: 2)),
            index("BASE"), index("HCHC"), index("HCHP"), index("EJPHN"), index("EJPHPM"),
            index("BBRHCJB"), index("BBRHPJB"), index("BBRHCJW"), index("BBRHPJW"), index("BBRHCJR"), index("BBRHPJR"),
            TICLabel("PEJP", .init(.digits, width: 2)),
            TICLabel("PTEC", .init(.text, width: 4), role: .tariffPeriod),
            TICLabel("DEMAIN", .init(.text, width: 4)),
            TICLabel("IINST", .init(.digits, width: 3), quantity: .current),
            TICLabel("IINST1", .init(.digits, width: 3), quantity: .current, phase: 1),
            TICLabel("IINST2", .init(.digits, width: 3), quantity: .current, phase: 2),
            TICLabel("IINST3", .init(.digits, width: 3), quantity: .current, phase: 3),
            TICLabel("ADPS", .init(.digits, width: 3), role: .alarm, alarm: "adps"),
            TICLabel("ADIR1", .init(.digits, width: 3), role: .alarm, alarm: "adir1"),
            TICLabel("ADIR2", .init(.digits, width: 3), role: .alarm, alarm: "adir2"),
            TICLabel("ADIR3", .init(.digits, width: 3), role: .alarm, alarm: "adir3"),
            TICLabel("IMAX", .init(.digits, width: 3)),
            TICLabel("IMAX1", .init(.digits, width: 3)), TICLabel("IMAX2", .init(.digits, width: 3)),
            TICLabel("IMAX3", .init(.digits, width: 3)),
            TICLabel("PMAX", .init(.digits, width: 5)),
            TICLabel("PAPP", .init(.digits, width: 5), quantity: .apparentPowerImport),
            TICLabel("HHPHC", .init(.alphanumeric, width: 1)),
            TICLabel("MOTDETAT", .init(.alphanumeric, width: 6)),
            TICLabel("PPOT", .init(.hex, width: 2)),
        ]
    )

    /// Linky "standard": 9600 Bd, HT, checksum over `label HT [horodate HT] data HT`.
    public static let linkyStandard = TICFamily(
        name: "linky-standard",
        checksum: .standard,
        baudRates: [9600],
        underscoreAsDash: true,
        identifyingLabels: ["ADSC"],
        labels: [
            TICLabel("ADSC", .init(.alphanumeric, width: 12), role: .deviceID),
            TICLabel("VTIC", .init(.digits, width: 2)),
            TICLabel("DATE", .init(.text, width: 0), horodated: true, role: .meterTime),
            TICLabel("NGTF", .init(.text, width: 16)),
            TICLabel("LTARF", .init(.text, width: 16), role: .tariffPeriod),
            index("EAST", register: "total"),
        ] + (1...10).map { index(String(format2: "EASF", $0)) } + (1...4).map { index(String(format2: "EASD", $0)) } + [
            TICLabel("EAIT", .init(.digits, width: 9), quantity: .activeEnergyExport, register: "total"),
            TICLabel("ERQ1", .init(.digits, width: 9), quantity: .reactiveEnergyQ1, register: "total"),
            TICLabel("ERQ2", .init(.digits, width: 9), quantity: .reactiveEnergyQ2, register: "total"),
            TICLabel("ERQ3", .init(.digits, width: 9), quantity: .reactiveEnergyQ3, register: "total"),
            TICLabel("ERQ4", .init(.digits, width: 9), quantity: .reactiveEnergyQ4, register: "total"),
        ] + (1...3).flatMap { (phase: UInt32) in
            [
                TICLabel("IRMS\(phase)", .init(.digits, width: 3), quantity: .current, phase: phase),
                TICLabel("URMS\(phase)", .init(.digits, width: 3), quantity: .voltage, phase: phase),
                TICLabel("SINSTS\(phase)", .init(.digits, width: 5), quantity: .apparentPowerImport, phase: phase),
                TICLabel("SMAXSN\(phase)", .init(.digits, width: 5), horodated: true),
                TICLabel("SMAXSN\(phase)-1", .init(.digits, width: 5), horodated: true),
                TICLabel("UMOY\(phase)", .init(.digits, width: 3), horodated: true),
                TICLabel("DPM\(phase)", .init(.digits, width: 2), horodated: true),
                TICLabel("FPM\(phase)", .init(.digits, width: 2), horodated: true),
            ]
        } + [
            TICLabel("PREF", .init(.digits, width: 2), quantity: .subscribedPower, scale: 1000),
            TICLabel("PCOUP", .init(.digits, width: 2)),
            TICLabel("SINSTS", .init(.digits, width: 5), quantity: .apparentPowerImport),
            TICLabel("SMAXSN", .init(.digits, width: 5), horodated: true),
            TICLabel("SMAXSN-1", .init(.digits, width: 5), horodated: true),
            TICLabel("SINSTI", .init(.digits, width: 5), quantity: .apparentPowerExport),
            TICLabel("SMAXIN", .init(.digits, width: 5), horodated: true),
            TICLabel("SMAXIN-1", .init(.digits, width: 5), horodated: true),
            TICLabel("CCASN", .init(.digits, width: 5), horodated: true),
            TICLabel("CCASN-1", .init(.digits, width: 5), horodated: true),
            TICLabel("CCAIN", .init(.digits, width: 5), horodated: true),
            TICLabel("CCAIN-1", .init(.digits, width: 5), horodated: true),
            TICLabel("STGE", .init(.hex, width: 8)),
            TICLabel("MSG1", .init(.text, width: 32)),
            TICLabel("MSG2", .init(.text, width: 16)),
            TICLabel("PRM", .init(.digits, width: 14)),
            TICLabel("RELAIS", .init(.digits, width: 3)),
            TICLabel("NTARF", .init(.digits, width: 2)),
            TICLabel("NJOURF", .init(.digits, width: 2)),
            TICLabel("NJOURF+1", .init(.digits, width: 2)),
            TICLabel("PJOURF+1", .init(.text, width: 98)),
            TICLabel("PPOINTE", .init(.text, width: 98)),
        ]
    )

    /// A 9-digit active energy index drawn, in Wh, registered under its label (or `register`).
    private static func index(_ label: String, register: String? = nil) -> TICLabel {
        TICLabel(label, .init(.digits, width: 9), quantity: .activeEnergyImport, register: register)
    }
}

extension String {
    /// `prefix` followed by `number` on two digits (`EASF` 1 → `EASF01`).
    fileprivate init(format2 prefix: String, _ number: Int) {
        self = prefix + (number < 10 ? "0" : "") + String(number)
    }
}

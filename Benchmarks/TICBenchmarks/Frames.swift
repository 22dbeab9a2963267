import EnergyTIC

// The representative frames of the benchmarks (docs/benchmarks.md), one per mode, and streams
// of them.

/// A repeatable stream of `frame`s, about `megabytes` long.
func stream(of frame: [UInt8], megabytes: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(megabytes << 20)
    while bytes.count < megabytes << 20 { bytes += frame }
    return bytes
}

func frame(_ groups: [(String, String?, String)], mode: TICChecksumMode) -> [UInt8] {
    [0x02] + groups.flatMap { TICGroup(label: $0.0, horodate: $0.1, data: $0.2).encoded(mode: mode) } + [0x03]
}

/// One representative frame per mode: Linky historic, Linky standard (horodates, a 98-character
/// profile), PME-PMI (units, dates, both calendars).
let historicFrame = frame([("ADCO", nil, "812164417227"), ("OPTARIF", nil, "BASE"), ("ISOUSC", nil, "45"), ("BASE", nil, "000000104"),
                      ("PTEC", nil, "TH.."), ("IINST", nil, "001"), ("IMAX", nil, "090"), ("PAPP", nil, "00270"),
                      ("HHPHC", nil, "A"), ("MOTDETAT", nil, "000000")], mode: .historic)
let standardFrame = frame([("ADSC", nil, "041876097295"), ("VTIC", nil, "02"), ("DATE", "E240924225642", ""), ("NGTF", nil, "     TEMPO      "),
                      ("LTARF", nil, "    HP  BLEU    "), ("EAST", nil, "004589123"), ("EASF01", nil, "001234567"), ("EASF02", nil, "002345678"),
                      ("EASD01", nil, "001234567"), ("IRMS1", nil, "004"), ("URMS1", nil, "232"), ("PREF", nil, "09"), ("PCOUP", nil, "09"),
                      ("SINSTS", nil, "00920"), ("SMAXSN", "E240924123021", "04536"), ("SMAXSN-1", "E240923183322", "05012"),
                      ("CCASN", "E240924223000", "00840"), ("UMOY1", "E240924224000", "231"), ("STGE", nil, "003A0001"),
                      ("MSG1", nil, "PAS DE          MESSAGE         "), ("PRM", nil, "09876543210123"), ("RELAIS", nil, "000"),
                      ("NTARF", nil, "02"), ("NJOURF", nil, "00"), ("NJOURF+1", nil, "00"),
                      ("PJOURF+1", nil, "00004001 06004002 22004001 NONUTILE NONUTILE NONUTILE NONUTILE NONUTILE NONUTILE NONUTILE NONUTILE")],
                     mode: .standard)
let pmePmiFrame = frame([("ADS", nil, "0C1234567890"), ("MESURES1", nil, "BT 4 SUP36"), ("DATE", nil, "23/01/22 14:32:10"),
                    ("EA_s", nil, "123456Wh"), ("ER+_s", nil, "2345varh"), ("ER-_s", nil, "0varh"), ("EAPP_s", nil, "130000VAh"),
                    ("PTCOUR1", nil, "HPH"), ("TARIFDYN", nil, "INACTIF"), ("CONFIG", nil, "CONSO"), ("DATEPA1", nil, "23/01/22 14:30:00"),
                    ("PA1_s", nil, "250kW"), ("DebP", nil, "01/01/22 00:00:00"), ("EAP_s", nil, "1234567kWh"), ("EaP-1_s", nil, "4567kWh"),
                    ("PS", nil, "300kVA"), ("PA1MN", nil, "280kW"), ("PMAX_s", nil, "290kVA"), ("TGPHI_s", nil, "-0,25"),
                    ("MESURES2", nil, "HTA 5"), ("PTCOUR2", nil, "HP"), ("EaP_s2", nil, "45678kWh")], mode: .pmePmi)


/// A mode the benchmarks measure, with its frame.
struct BenchmarkMode {
    /// The name used on the command line and in the figures (`historic`, `standard`, `pme-pmi`).
    var name: String
    var frame: [UInt8]
    var family: TICFamily

    static let all: [BenchmarkMode] = [
        BenchmarkMode(name: "historic", frame: historicFrame, family: .linkyHistoric),
        BenchmarkMode(name: "standard", frame: standardFrame, family: .linkyStandard),
        BenchmarkMode(name: "pme-pmi", frame: pmePmiFrame, family: .pmePmi),
    ]
}

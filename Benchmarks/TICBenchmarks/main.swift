import Foundation
import EnergyTIC

// TIC decoding benchmarks (release build): `scripts/benchmark.sh tic`. Prints the figures of
// docs/benchmarks.md: decode throughput per mode on one core, and resident memory over a 1 GB
// stream of garbage and frames.

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

func residentMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Double(line.split(separator: " ").dropFirst().first ?? "").map { $0 / 1024 } ?? 0
}

/// The best MB/s of `passes` runs of `pass` over `bytes` fed in 4 KiB reads (the machine may be
/// shared).
func bestThroughput(passes: Int, over bytes: [UInt8], _ pass: (ArraySlice<UInt8>) -> Void) -> Double {
    (0..<passes).map { _ in
        let elapsed = ContinuousClock().measure {
            for offset in stride(from: 0, to: bytes.count, by: 4096) { pass(bytes[offset..<min(bytes.count, offset + 4096)]) }
        }
        return Double(bytes.count) / 1_048_576 / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }.max() ?? 0
}

/// MB/s of a reader over `bytes` (best of 5); also the frames it completed per pass.
func throughput(_ makeReader: () -> TICReader, _ bytes: [UInt8]) -> (megabytesPerSecond: Double, frames: Int) {
    var frames = 0
    var outputs: [TICReader.Output] = []
    outputs.reserveCapacity(4096)
    var reader = makeReader()
    let best = bestThroughput(passes: 5, over: bytes) { chunk in
        if chunk.startIndex == 0 { (reader, frames) = (makeReader(), 0) }
        reader.feed(chunk, into: &outputs)
        for index in outputs.indices { if case .frame = outputs[index] { frames += 1 } }
        outputs.removeAll(keepingCapacity: true)
    }
    return (best, frames)
}

let historic = frame([("ADCO", nil, "812164417227"), ("OPTARIF", nil, "BASE"), ("ISOUSC", nil, "45"), ("BASE", nil, "000000104"),
                      ("PTEC", nil, "TH.."), ("IINST", nil, "001"), ("IMAX", nil, "090"), ("PAPP", nil, "00270"),
                      ("HHPHC", nil, "A"), ("MOTDETAT", nil, "000000")], mode: .historic)
let standard = frame([("ADSC", nil, "041876097295"), ("VTIC", nil, "02"), ("DATE", "E240924225642", ""), ("NGTF", nil, "     TEMPO      "),
                      ("LTARF", nil, "    HP  BLEU    "), ("EAST", nil, "004589123"), ("EASF01", nil, "001234567"), ("EASF02", nil, "002345678"),
                      ("EASD01", nil, "001234567"), ("IRMS1", nil, "004"), ("URMS1", nil, "232"), ("PREF", nil, "09"), ("PCOUP", nil, "09"),
                      ("SINSTS", nil, "00920"), ("SMAXSN", "E240924123021", "04536"), ("SMAXSN-1", "E240923183322", "05012"),
                      ("CCASN", "E240924223000", "00840"), ("UMOY1", "E240924224000", "231"), ("STGE", nil, "003A0001"),
                      ("MSG1", nil, "PAS DE          MESSAGE         "), ("PRM", nil, "09876543210123"), ("RELAIS", nil, "000"),
                      ("NTARF", nil, "02"), ("NJOURF", nil, "00"), ("NJOURF+1", nil, "00"),
                      ("PJOURF+1", nil, "00004001 06004002 22004001 NONUTILE NONUTILE NONUTILE NONUTILE NONUTILE NONUTILE NONUTILE NONUTILE")],
                     mode: .standard)
let pmePmi = frame([("ADS", nil, "0C1234567890"), ("MESURES1", nil, "BT 4 SUP36"), ("DATE", nil, "23/01/22 14:32:10"),
                    ("EA_s", nil, "123456Wh"), ("ER+_s", nil, "2345varh"), ("ER-_s", nil, "0varh"), ("EAPP_s", nil, "130000VAh"),
                    ("PTCOUR1", nil, "HPH"), ("TARIFDYN", nil, "INACTIF"), ("CONFIG", nil, "CONSO"), ("DATEPA1", nil, "23/01/22 14:30:00"),
                    ("PA1_s", nil, "250kW"), ("DebP", nil, "01/01/22 00:00:00"), ("EAP_s", nil, "1234567kWh"), ("EaP-1_s", nil, "4567kWh"),
                    ("PS", nil, "300kVA"), ("PA1MN", nil, "280kW"), ("PMAX_s", nil, "290kVA"), ("TGPHI_s", nil, "-0,25"),
                    ("MESURES2", nil, "HTA 5"), ("PTCOUR2", nil, "HP"), ("EaP_s2", nil, "45678kWh")], mode: .pmePmi)

print("TIC benchmarks, one core")
let cases: [(String, [UInt8], () -> TICReader)] = [
    // As the adapter reads: valid groups stay in their frames (`reportsGroups: false`).
    ("historic (Linky historique)", historic, { TICReader(family: .linkyHistoric, reportsGroups: false) }),
    ("standard (Linky standard)", standard, { TICReader(family: .linkyStandard, reportsGroups: false) }),
    ("PME-PMI", pmePmi, { TICReader(family: .pmePmi, reportsGroups: false) }),
    ("auto, before locking (3 decodings)", standard, { TICReader(detecting: TICFamily.builtIn, lockAfter: .max, reportsGroups: false) }),
    ("standard, every group reported (tic-decode)", standard, { TICReader(family: .linkyStandard) }),
]
for (name, frame, makeReader) in cases {
    let bytes = stream(of: frame, megabytes: 32)
    let result = throughput(makeReader, bytes)
    let metersAt9600 = result.megabytesPerSecond * 1_048_576 / 960
    print(String(format: "decode %@: %.1f MB/s (%d-byte frames, %d frames per pass; = %.0f meters at 9600 Bd)",
                 name, result.megabytesPerSecond, frame.count, result.frames, metersAt9600))
}

// The adapter's whole path: decoding, then a normalized measurement (strings, values) per frame.
for (name, frame, family) in [("historic", historic, TICFamily.linkyHistoric), ("standard", standard, .linkyStandard), ("PME-PMI", pmePmi, .pmePmi)] {
    let bytes = stream(of: frame, megabytes: 32)
    var session = TICSession(reader: TICReader(family: family, reportsGroups: false), parity: .none, deviceID: nil, defaultDeviceID: "bench")
    var publications: [TICSession.Publication] = []
    let best = bestThroughput(passes: 3, over: bytes) { chunk in
        session.consume(chunk, at: .zero, into: &publications)
        publications.removeAll(keepingCapacity: true)
    }
    print(String(format: "decode and normalize %@ (a measurement per frame): %.1f MB/s", name, best))
}

// Memory over 1 GB of garbage and frames through a whole session (detection, normalization).
var session = TICSession(reader: TICReader(detecting: TICFamily.builtIn), parity: .none, deviceID: nil, defaultDeviceID: "bench")
var chunk = [UInt8](repeating: 0, count: 1 << 20)
var state: UInt64 = 7
var publications: [TICSession.Publication] = []
var samples: [Double] = []
let memoryStart = ContinuousClock.now
for megabyte in 0..<1024 {
    for index in stride(from: 0, to: chunk.count, by: 8) {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        withUnsafeBytes(of: state) { for (offset, byte) in $0.enumerated() { chunk[index + offset] = byte } }
    }
    for position in stride(from: 0, to: chunk.count - standard.count, by: 16_384) {  // a frame every 16 KiB
        chunk.replaceSubrange(position..<(position + standard.count), with: standard)
    }
    session.consume(chunk, at: .milliseconds(megabyte), into: &publications)
    publications.removeAll(keepingCapacity: true)
    _ = session.takeCounterDeltas()
    if megabyte % 256 == 0 || megabyte == 1023 { samples.append(residentMegabytes()) }
}
let memorySeconds = Double((ContinuousClock.now - memoryStart).components.seconds)
print(String(format: "1 GB of garbage and frames through a session: %d frames, %.0f s, resident memory %@ MB",
             session.frameCount, memorySeconds, samples.map { String(format: "%.1f", $0) }.joined(separator: " → ")))

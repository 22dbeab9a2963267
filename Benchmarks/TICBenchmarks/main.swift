import Foundation
import EnergyTIC

// TIC benchmarks (release build), the figures of docs/benchmarks.md:
//   EnergyTICBenchmarks                         in one process, on one thread: decode throughput
//                                               per mode, the adapter's path (decode, normalize,
//                                               encode events), memory over 1 GB
//                                               (`scripts/benchmark.sh tic`)
//   EnergyTICBenchmarks streams DIR [MB]        writes historic.tic, standard.tic and pme-pmi.tic,
//                                               MB (default 32) of each mode's frame repeated
//   EnergyTICBenchmarks adapter-path MODE FILE  the adapter's path over a capture, for timing the
//                                               whole process (scripts/tic-vs-tic2json.sh)

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

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "streams":
    guard let directory = arguments.dropFirst().first else { fatalError("usage: streams DIR [MB]") }
    let megabytes = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 32
    for mode in BenchmarkMode.all {
        let bytes = stream(of: mode.frame, megabytes: megabytes)
        guard FileManager.default.createFile(atPath: directory + "/" + mode.name + ".tic", contents: Data(bytes)) else { fatalError("cannot write in \(directory)") }
    }
    exit(0)
case "adapter-path":
    let rest = Array(arguments.dropFirst())
    guard rest.count == 2, let mode = BenchmarkMode.all.first(where: { $0.name == rest[0] }) else {
        fatalError("usage: adapter-path historic|standard|pme-pmi FILE")
    }
    do { try AdapterPath.run(mode: mode, file: rest[1]) } catch { fatalError("\(error)") }
    exit(0)
default: break
}

print("TIC benchmarks, in one process, on one thread (MiB/s: 2^20 bytes per second)")
let cases: [(String, [UInt8], () -> TICReader)] = [
    // As the adapter reads: valid groups stay in their frames (`reportsGroups: false`).
    ("historic (Linky historique)", historicFrame, { TICReader(family: .linkyHistoric, reportsGroups: false) }),
    ("standard (Linky standard)", standardFrame, { TICReader(family: .linkyStandard, reportsGroups: false) }),
    ("PME-PMI", pmePmiFrame, { TICReader(family: .pmePmi, reportsGroups: false) }),
    ("auto, before locking (3 decodings)", standardFrame, { TICReader(detecting: TICFamily.builtIn, lockAfter: .max, reportsGroups: false) }),
    ("standard, every group reported (as tic-decode reads)", standardFrame, { TICReader(family: .linkyStandard) }),
]
for (name, frame, makeReader) in cases {
    let bytes = stream(of: frame, megabytes: 32)
    let result = throughput(makeReader, bytes)
    let metersAt9600 = result.megabytesPerSecond * 1_048_576 / 960
    print(String(format: "decode %@: %.1f MiB/s (%d-byte frames, %d frames per pass; = %.0f meters at 9600 Bd)",
                 name, result.megabytesPerSecond, frame.count, result.frames, metersAt9600))
}

// The adapter's path: decoding, a normalized measurement per frame, each event encoded.
for mode in BenchmarkMode.all {
    let bytes = stream(of: mode.frame, megabytes: 32)
    var path = AdapterPath(family: mode.family)
    let best = bestThroughput(passes: 3, over: bytes) { chunk in path.consume(chunk) }
    print(String(format: "adapter path %@ (decode, normalize, encode each event): %.1f MiB/s", mode.name, best))
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
    for position in stride(from: 0, to: chunk.count - standardFrame.count, by: 16_384) {  // a frame every 16 KiB
        chunk.replaceSubrange(position..<(position + standardFrame.count), with: standardFrame)
    }
    session.consume(chunk, at: .milliseconds(megabyte), into: &publications)
    publications.removeAll(keepingCapacity: true)
    _ = session.takeCounterDeltas()
    if megabyte % 256 == 0 || megabyte == 1023 { samples.append(residentMegabytes()) }
}
let memorySeconds = Double((ContinuousClock.now - memoryStart).components.seconds)
print(String(format: "1 GB of garbage and frames through a session: %d frames, %.0f s, resident memory %@ MB",
             session.frameCount, memorySeconds, samples.map { String(format: "%.1f", $0) }.joined(separator: " → ")))

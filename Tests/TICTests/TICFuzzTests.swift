import AdapterKit
import AdapterKitHarness
import AdapterKitTesting
import Foundation
import EnergyTIC
import Testing

/// A bounded, seeded fuzzer over the whole reading path (parity filter, decoder, dictionaries,
/// detection, normalization, session), run in CI: mutated real captures, composed PME-PMI frames
/// and random bytes, in random chunks. It must not crash or hang, everything it publishes must
/// hold (valid checksums, dictionary formats, bounded sizes), and its state must not grow.
@Suite(.serialized) struct TICFuzzTests {
    /// A small deterministic generator (PCG-style LCG), so a failure replays from its seed.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
    }

    static let seeds: [UInt64] = [1, 2, 3, 0xC0FFEE, 0x5EED_5EED]

    private func corpus() throws -> [[UInt8]] {
        let files = try FileManager.default.contentsOfDirectory(atPath: TICFixtures.directory.path).filter { $0.hasSuffix(".tic") }.sorted()
        return try files.map { try TICFixtures.bytes($0) } + [TICCompose.frame(TICPMEPMITests.conso, mode: .pmePmi)]
    }

    /// Flips bits, drops, duplicates and inserts bytes (control bytes often).
    private func mutate(_ input: [UInt8], _ random: inout Generator) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + random.below(12)) where !bytes.isEmpty {
            let index = random.below(bytes.count)
            switch random.below(5) {
            case 0: bytes[index] ^= UInt8(1) << UInt8(random.below(8))
            case 1: bytes.remove(at: index)
            case 2: bytes.insert(random.byte(), at: index)
            case 3: bytes.insert([0x02, 0x03, 0x04, 0x0A, 0x0D, 0x09, 0x20, 0xFF, 0x00][random.below(9)], at: index)
            default: bytes.insert(contentsOf: bytes[index..<min(bytes.count, index + random.below(64))], at: index)
            }
        }
        return bytes
    }

    @Test(.timeLimit(.minutes(2)), arguments: seeds)
    func theReadingPathSurvivesMutatedAndRandomInput(seed: UInt64) throws {
        var random = Generator(state: seed)
        let corpus = try corpus()
        let families = TICFamily.builtIn
        for round in 0..<200 {
            var input = mutate(corpus[random.below(corpus.count)], &random)
            if round % 10 == 0 { input = (0..<random.below(4096)).map { _ in random.byte() } }
            let parity: TICParity = [.none, .software, .marked][random.below(3)]
            let reader = random.below(4) == 0 ? TICReader(detecting: families, lockAfter: 1 + random.below(3))
                : TICReader(family: families[random.below(families.count)])
            var session = TICSession(reader: reader, parity: parity, linkTimeout: .seconds(1), deviceID: nil, defaultDeviceID: "fuzz")
            var publications: [TICSession.Publication] = []
            var offset = 0
            var time = Duration.zero
            while offset < input.count {
                let end = min(input.count, offset + 1 + random.below(300))
                session.consume(input[offset..<end], at: time, into: &publications)
                session.checkLink(at: time, into: &publications)
                offset = end
                time += .milliseconds(random.below(400))
            }
            session.finish(at: time, into: &publications)
            for publication in publications {
                guard case .measurement(let payload) = publication else { continue }
                let measurement = payload.measurement
                #expect(measurement.raw.count <= TICDecoder.maximumGroupsPerFrame * 2, "seed \(seed) round \(round)")
                for value in measurement.values {
                    #expect(value.value.isFinite && !value.unit.isEmpty && Quantity(rawValue: value.quantity) != nil)
                }
            }
            _ = session.takeCounterDeltas()
        }
    }

    @Test(.timeLimit(.minutes(2)), arguments: seeds)
    func everyGroupTheReaderPassesHoldsItsChecksumAndFormat(seed: UInt64) throws {
        var random = Generator(state: seed)
        let corpus = try corpus()
        for _ in 0..<150 {
            let family = TICFamily.builtIn[random.below(TICFamily.builtIn.count)]
            let input = mutate(corpus[random.below(corpus.count)], &random)
            let outputs = TICFixtures.read(input, with: TICReader(family: family), chunk: 1 + random.below(97))
            #expect(outputs == TICFixtures.read(input, with: TICReader(family: family)))  // chunking never matters
            for output in outputs {
                switch output {
                case .group(let group):
                    let bytes = group.bytes(separatorForTests: family.checksum.separator)
                    #expect(bytes.allSatisfy { (0x20...0x7E).contains($0) || $0 == family.checksum.separator })
                    if let entry = family.entry(for: group.label) { #expect(entry.format.accepts(group.data), "\(group)") }
                case .rejected(let rejected):
                    #expect(rejected.bytes.count <= TICDecoder.maximumGroupLength)
                case .frame(let frame), .interrupted(let frame):
                    #expect(frame.groups.count + frame.rejected.count <= TICDecoder.maximumGroupsPerFrame + 1)
                case .locked: break
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func memoryStaysFlatOverALongGarbageAndFramesStream() async throws {
        // A process of its own (the test process's memory is shared with the other tests):
        // `tic-decode` reads 32 MB of noise and frames from a pipe; its resident memory after 4 MB
        // and after 32 MB must be about the same (what a reader keeps is bounded).
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PluginHarnessDirectory.path + "/tic-decode")
        process.arguments = ["--frames-only", "-"]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var random = Generator(state: 42)
        let frame = TICCompose.frame([("ADSC", "041876097295"), ("EAST", "000000104"), ("SINSTS", "01234")], mode: .standard)
        var chunk = (0..<(1 << 20)).map { _ in random.byte() & 0x7F }
        for position in stride(from: 0, to: chunk.count - frame.count, by: 16_384) {
            chunk.replaceSubrange(position..<(position + frame.count), with: frame)
        }
        // Feeding blocks on the pipe while the child decodes: a thread of its own, off the
        // concurrency pool the other tests run on.
        let pid = process.processIdentifier
        let writer = input.fileHandleForWriting
        let measured: [Int] = await withCheckedContinuation { continuation in
            Thread.detachNewThread { [chunk] in
                var measured: [Int] = []
                for megabyte in 0..<32 {
                    try? writer.write(contentsOf: chunk)
                    if megabyte == 3 || megabyte == 31 {
                        usleep(300_000)
                        measured.append(Self.residentKilobytes(of: pid))
                    }
                }
                try? writer.close()
                continuation.resume(returning: measured)
            }
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(measured[0] > 0 && measured[1] - measured[0] < 4096, "resident memory went from \(measured[0]) kB to \(measured[1]) kB")
    }

    static func residentKilobytes(of pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}

/// Where SwiftPM put the built products (tic-decode, the adapter libraries).
enum PluginHarnessDirectory {
    static var path: String { PluginHarness.builtProductsDirectory }
}

extension TICGroup {
    /// The group's zone as sent, for checks in tests.
    func bytes(separatorForTests separator: UInt8) -> [UInt8] {
        var bytes = Array(label.utf8) + [separator]
        if let horodate { bytes += Array(horodate.utf8) + [separator] }
        return bytes + Array(data.utf8)
    }
}

import Foundation
import EnergyTIC

/// The real captures of `Tests/Fixtures/tic/` (provenance in its `SOURCES.md`), decoded.
enum TICFixtures {
    /// The repository's root (this file is Tests/TICTests/TICFixtures.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = repositoryRoot.appendingPathComponent("Tests/Fixtures/tic")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// Decodes `bytes` fed in chunks of `chunk` bytes (nil: all at once), then finishes the stream.
    static func decode(_ bytes: [UInt8], mode: TICChecksumMode, chunk: Int? = nil) -> [TICDecoder.Output] {
        var decoder = TICDecoder(mode: mode)
        var outputs: [TICDecoder.Output] = []
        for piece in pieces(of: bytes, chunk: chunk) { decoder.feed(piece, into: &outputs) }
        decoder.finish(into: &outputs)
        return outputs
    }

    /// `bytes` cut in chunks of `chunk` bytes (nil: one piece).
    static func pieces(of bytes: [UInt8], chunk: Int?) -> [ArraySlice<UInt8>] {
        let size = chunk ?? max(bytes.count, 1)
        return stride(from: 0, to: bytes.count, by: size).map { bytes[$0..<min($0 + size, bytes.count)] }
    }
}

/// Counts over a decoded stream.
struct TICSummary: Equatable, CustomStringConvertible {
    var groups: [TICGroup] = []
    var rejected: [TICRejectedGroup] = []
    var completeFrames = 0
    var interruptedFrames = 0

    init(_ outputs: [TICDecoder.Output]) {
        for output in outputs {
            switch output {
            case .group(let group): groups.append(group)
            case .rejected(let rejected): self.rejected.append(rejected)
            case .frameEnded: completeFrames += 1
            case .frameInterrupted: interruptedFrames += 1
            case .frameStarted: break
            }
        }
    }

    func data(_ label: String) -> String? {
        groups.first { $0.label == label }?.data
    }

    var description: String {
        "\(groups.count) groups, \(rejected.count) rejected \(rejected.map(\.reason.rawValue)), "
            + "\(completeFrames) complete frames, \(interruptedFrames) interrupted"
    }
}

extension TICFixtures {
    /// Reads `bytes` with `reader`, fed in chunks of `chunk` bytes (nil: all at once), then finishes.
    static func read(_ bytes: [UInt8], with reader: TICReader, chunk: Int? = nil) -> [TICReader.Output] {
        var reader = reader
        var outputs: [TICReader.Output] = []
        for piece in pieces(of: bytes, chunk: chunk) { reader.feed(piece, into: &outputs) }
        reader.finish(into: &outputs)
        return outputs
    }

    /// The complete frames among `outputs`.
    static func frames(_ outputs: [TICReader.Output]) -> [TICFrame] {
        outputs.compactMap { if case .frame(let frame) = $0 { frame } else { nil } }
    }

    /// The valid groups among `outputs`.
    static func groups(_ outputs: [TICReader.Output]) -> [TICGroup] {
        outputs.compactMap { if case .group(let group) = $0 { group } else { nil } }
    }

    /// The rejection reasons among `outputs`.
    static func rejections(_ outputs: [TICReader.Output]) -> [TICRejectedGroup.Reason] {
        outputs.compactMap { if case .rejected(let rejected) = $0 { rejected.reason } else { nil } }
    }
}

/// Composes TIC bytes from the specifications, for what no capture covers (PME-PMI above all).
enum TICCompose {
    /// `LF label SEP [horodate SEP] data SEP checksum CR` with the checksum of `mode`.
    static func group(_ label: String, _ data: String, mode: TICChecksumMode, horodate: String? = nil) -> [UInt8] {
        TICGroup(label: label, horodate: horodate, data: data).encoded(mode: mode)
    }

    /// `STX groups ETX`.
    static func frame(_ groups: [(String, String)], mode: TICChecksumMode) -> [UInt8] {
        [0x02] + groups.flatMap { group($0.0, $0.1, mode: mode) } + [0x03]
    }
}

import Foundation
import TIC

/// The real captures of `../shared/fixtures/tic/` (beside the repository), decoded.
enum TICFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/fixtures/tic")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// Decodes `bytes` fed in chunks of `chunk` bytes (nil: all at once), then finishes the stream.
    static func decode(_ bytes: [UInt8], mode: TICChecksumMode, chunk: Int? = nil) -> [TICDecoder.Output] {
        var decoder = TICDecoder(mode: mode)
        var outputs: [TICDecoder.Output] = []
        var start = 0
        let size = chunk ?? max(bytes.count, 1)
        while start < bytes.count {
            decoder.feed(bytes[start..<min(start + size, bytes.count)], into: &outputs)
            start += size
        }
        decoder.finish(into: &outputs)
        return outputs
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

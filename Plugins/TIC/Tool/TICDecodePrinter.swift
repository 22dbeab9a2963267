import AdapterKit
import Foundation
import EnergyTIC

/// Prints what a ``TICReader`` produced as JSON lines, and counts it for the summary.
struct TICDecodePrinter {
    let framesOnly: Bool
    var bytes = 0
    private var frames = 0
    private var degraded = 0
    private var interrupted = 0
    private var groups = 0
    private var rejected: [String: Int] = [:]

    init(framesOnly: Bool) {
        self.framesOnly = framesOnly
    }

    mutating func print(_ outputs: [TICReader.Output], family: TICFamily?) {
        for output in outputs {
            switch output {
            case .group(let group):
                groups += 1
                guard !framesOnly else { continue }
                var line: [String: JSONValue] = ["type": .string("group"), "label": .string(group.label), "data": .string(group.data)]
                if let horodate = group.horodate { line["horodate"] = .string(horodate) }
                emit(line)
            case .rejected(let group):
                rejected[group.reason.rawValue, default: 0] += 1
                emit(["type": .string("rejected"), "reason": .string(group.reason.rawValue), "bytes": .string(Self.text(group.bytes))])
            case .frame(let frame):
                frames += 1
                if frame.isDegraded { degraded += 1 }
                var line = Self.counts("frame", frame)
                if let family, frame.groupCount > 0,
                    let event = try? Event(topic: "tic-decode", payload: TICNormalizer(family: family, defaultDeviceID: "").measurement(of: frame),
                                           time: EventTime(nanosecondsSinceEpoch: 0))
                {
                    line["measurement"] = (try? JSONValue.parse(event.jsonLine()))?["payload"]
                }
                emit(line)
            case .interrupted(let frame):
                interrupted += 1
                emit(Self.counts("interrupted", frame))
            case .locked(let family, let checksum):
                emit(["type": .string("locked"), "family": .string(family), "checksum": .string(checksum.rawValue)])
            }
        }
    }

    func printSummary(family: TICFamily?, checksum: TICChecksumMode?) {
        emit([
            "type": .string("summary"), "bytes": .number(Double(bytes)), "frames": .number(Double(frames)),
            "degraded": .number(Double(degraded)), "interrupted": .number(Double(interrupted)),
            "groups": .number(Double(groups)), "rejected": .object(rejected.mapValues { .number(Double($0)) }),
            "family": family.map { .string($0.name) } ?? .null, "checksum": checksum.map { .string($0.rawValue) } ?? .null,
        ])
    }

    private func emit(_ line: [String: JSONValue]) {
        Swift.print(JSONValue.object(line).jsonText)
    }

    private static func counts(_ type: String, _ frame: TICFrame) -> [String: JSONValue] {
        ["type": .string(type), "groups": .number(Double(frame.groupCount)), "rejected": .number(Double(frame.rejected.count))]
    }

    /// Bytes as text, one character per byte (control bytes come out JSON-escaped).
    private static func text(_ bytes: [UInt8]) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}

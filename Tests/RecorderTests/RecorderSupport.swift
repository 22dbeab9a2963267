import AdapterKit
import Foundation

/// Events, temporary directories and file reading for the recorder tests.
enum RecorderSupport {
    /// A new empty directory.
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("recorder-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The configuration JSON of a recorder, its strings escaped.
    static func configuration(path: String? = nil, maxBytes: Int? = nil, keep: Int? = nil) -> String {
        var members: [String: JSONValue] = [:]
        if let path { members["path"] = .string(path) }
        if let maxBytes { members["max_bytes"] = .number(Double(maxBytes)) }
        if let keep { members["keep"] = .number(Double(keep)) }
        return JSONValue.object(members).jsonText
    }

    /// `count` distinct measurement events, as the host would deliver them (source and sequence set).
    static func events(_ count: Int, from first: Int = 1) throws -> [Event] {
        try (first..<(first + count)).map { index in
            var measurement = EnergyMeasurement()
            measurement.deviceID = "meter-\(index)"
            measurement.values = [
                EnergyValue(.activePowerImport, Double(index) * 10.5),
                EnergyValue(.voltage, 230 + Double(index % 7), phase: 1),
            ]
            var event = try Event(
                topic: "sites/test-site/meter/measurements",
                payload: measurement,
                time: EventTime(nanosecondsSinceEpoch: 1_768_464_000_000_000_000 + Int64(index) * 1_000_000)
            )
            event.source = "meter"
            event.sequence = UInt64(index)
            return event
        }
    }

    /// The lines of a file (without the final empty one).
    static func lines(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    static func size(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.intValue ?? -1
    }
}

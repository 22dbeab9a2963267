import AdapterKit
import Foundation

/// Files, configurations and decoding for the replay tests.
enum ReplaySupport {
    /// The repository's root (this file is Tests/ReplayTests/ReplaySupport.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Writes `text` to a new file called `name` in a new temporary directory; returns its path.
    static func write(_ text: String, named name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replay-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// The configuration JSON for replaying `file`, with `extra` settings.
    static func configuration(file: String, _ extra: [String: JSONValue] = [:]) -> String {
        var members = extra
        members["file"] = .string(file)
        return JSONValue.object(members).jsonText
    }

    static func measurement(_ event: Event) throws -> EnergyMeasurement {
        try event.decode(EnergyMeasurement.self)
    }

    static func time(_ text: String) -> EventTime? {
        RFC3339.parse(text)
    }
}

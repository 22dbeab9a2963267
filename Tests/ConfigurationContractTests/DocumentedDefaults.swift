import AdapterKit
import Foundation
@testable import EnergyHost
import EnergyFlexReady
import EnergyInterruptibility
import EnergyMQTTBridge
import EnergyPlantSimulator
import EnergySmartOA
import EnergyProbe
import EnergyRecorder
import EnergyReplay
import EnergyTIC
import EnergyThreshold

/// Compares the settings tables of docs/ with the schemas: every setting documented, and each
/// documented default the schema's own.
enum DocumentedDefaults {
    /// A table section of a page and the schema its rows describe.
    struct Section {
        var file: String
        var heading: String
        var schema: JSONSchema
    }

    static let sections: [Section] = [
        Section(file: "docs/configuration.md", heading: "## `host`", schema: .object(["host": HostConfigurationSchema.schema.value["properties"]!["host"].map(JSONSchema.init(value:))!])),
        Section(file: "docs/configuration.md", heading: "## Adapter instances", schema: HostConfigurationSchema.instanceSchema),
        Section(file: "docs/configuration.md", heading: "### Recorder", schema: RecorderAdapter.description.configurationSchema),
        Section(file: "docs/configuration.md", heading: "### Replay", schema: ReplayAdapter.description.configurationSchema),
        Section(file: "docs/configuration.md", heading: "### Probe", schema: ProbeAdapter.description.configurationSchema),
        Section(file: "docs/configuration.md", heading: "### Threshold", schema: ThresholdAdapter.description.configurationSchema),
        Section(file: "docs/tic.md", heading: "### Settings", schema: TICAdapter.description.configurationSchema),
        Section(file: "docs/interruptibility.md", heading: "## Settings", schema: InterruptibilityAdapter.description.configurationSchema),
        Section(file: "docs/smartoa.md", heading: "## Settings", schema: SmartOAAdapter.description.configurationSchema),
        Section(file: "docs/plant-simulator.md", heading: "## Settings", schema: PlantSimulatorAdapter.description.configurationSchema),
        Section(file: "docs/mqtt.md", heading: "## Settings", schema: MQTTBridgeAdapter.description.configurationSchema),
        Section(file: "docs/flexready.md", heading: "## Settings", schema: FlexReadyAdapter.description.configurationSchema),
    ]

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every disagreement between the pages and the schemas.
    static func mismatches() throws -> [String] {
        var found: [String] = []
        for section in sections {
            let text = try String(contentsOf: repositoryRoot.appendingPathComponent(section.file), encoding: .utf8)
            let rows = try documentedRows(in: text, heading: section.heading)
            let place = "\(section.file) \(section.heading)"
            for (key, defaultCell) in rows.sorted(by: { $0.key < $1.key }) {
                guard let property = property(at: key, in: section.schema.value) else {
                    found.append("\(place): `\(key)` is documented but not in the schema")
                    continue
                }
                let documented = firstCode(in: defaultCell)
                switch (property["default"], documented) {
                case (.some(.object), _): break
                case (.some(let value), let documented):
                    let expected = value.stringValue ?? value.jsonText
                    if documented != expected {
                        found.append("\(place): `\(key)` documents the default \(documented.map { "`\($0)`" } ?? "nothing"), the schema `\(expected)`")
                    }
                case (nil, .some(let documented)) where defaultCell == "`\(documented)`":
                    found.append("\(place): `\(key)` documents the default `\(documented)`, the schema has none")
                default: break
                }
            }
            for key in leafKeys(of: section.schema.value) where !rows.keys.contains(where: { $0 == key || $0.hasPrefix(key + ".") || key.hasPrefix($0 + ".") }) {
                found.append("\(place): `\(key)` is in the schema but not documented")
            }
        }
        return found
    }

    /// The rows of the section's tables that have a `default` column: key → its default cell.
    /// A table right after a line "`name`:" documents the keys of `name`.
    private static func documentedRows(in text: String, heading: String) throws -> [String: String] {
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: heading) else { throw Missing(heading: heading) }
        let level = heading.prefix { $0 == "#" }.count
        var rows: [String: String] = [:]
        var defaultColumn: Int?
        var prefix = ""
        var previous = ""
        for line in lines[(start + 1)...] {
            let hashes = line.prefix { $0 == "#" }.count
            if hashes > 0, hashes <= level { break }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if line.hasPrefix("| key ") {
                defaultColumn = cells.firstIndex { $0.lowercased() == "default" }
                prefix = previous.hasPrefix("`") && previous.hasSuffix("`:") ? String(previous.dropFirst().dropLast(2)) + "." : ""
            } else if line.hasPrefix("| `"), let column = defaultColumn, column < cells.count, let key = firstCode(in: cells[0]) {
                rows[prefix + key] = cells[column]
            } else if !line.hasPrefix("|") {
                defaultColumn = line.isEmpty ? defaultColumn : nil
            }
            if !line.trimmingCharacters(in: .whitespaces).isEmpty { previous = line.trimmingCharacters(in: .whitespaces) }
        }
        return rows
    }

    private struct Missing: Error {
        var heading: String
    }

    /// The first `code` span of a cell.
    private static func firstCode(in cell: String) -> String? {
        guard let open = cell.firstIndex(of: "`") else { return nil }
        let rest = cell[cell.index(after: open)...]
        guard let close = rest.firstIndex(of: "`") else { return nil }
        return String(rest[..<close])
    }

    /// The schema of a dotted key (`reporting.interval_s`).
    private static func property(at key: String, in schema: JSONValue) -> JSONValue? {
        var current: JSONValue? = schema
        for part in key.split(separator: ".") {
            current = current?["properties"]?[String(part)] ?? current?["items"]?["properties"]?[String(part)]
        }
        return current
    }

    /// Every property of `schema`, nested objects' properties as dotted keys.
    private static func leafKeys(of schema: JSONValue, prefix: String = "") -> [String] {
        guard let properties = schema["properties"]?.objectValue else { return [] }
        return properties.keys.sorted().flatMap { name -> [String] in
            let key = prefix + name
            let nested = leafKeys(of: properties[name]!, prefix: key + ".")
            return nested.isEmpty ? [key] : nested
        }
    }
}

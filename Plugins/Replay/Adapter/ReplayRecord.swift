import AdapterKit
import Foundation

/// One recorded measurement read from a replay file.
struct ReplayRecord {
    var time: EventTime
    var measurement: EnergyMeasurement
}

/// Reads records from a CSV or JSON Lines file, skipping (and counting) malformed lines.
struct ReplaySource: ~Copyable {
    private var reader: LineReader
    private let columns: CSVColumns?
    /// Overrides the device id of JSON Lines records; CSV records always take it.
    private let deviceID: String?
    private let defaultDeviceID: String
    /// Lines skipped in this pass, and the first reason.
    private(set) var skippedCount = 0
    private(set) var firstSkipped: String?

    init(path: String, format: ReplayAdapter.Format, renames: [String: String], deviceID: String?, defaultDeviceID: String) throws {
        var reader = try LineReader(path: path)
        let resolved: ReplayAdapter.Format = format != .auto ? format : (path.hasSuffix(".csv") ? .csv : .jsonl)
        if resolved == .csv {
            guard let header = try reader.next() else {
                throw AdapterError(.invalidConfiguration, "\(path) is empty: a CSV file needs a header line")
            }
            columns = try CSVColumns(header: header, renames: renames, file: path)
        } else {
            columns = nil
        }
        self.reader = reader
        self.deviceID = deviceID
        self.defaultDeviceID = defaultDeviceID
    }

    /// The next valid record, or nil at the end of the file.
    mutating func next() throws -> ReplayRecord? {
        while let line = try reader.next() {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            do {
                return try columns.map { try csvRecord(line, $0) } ?? jsonRecord(line)
            } catch {
                skippedCount += 1
                if firstSkipped == nil { firstSkipped = "\(reader.path):\(reader.lineNumber): \(error)" }
            }
        }
        return nil
    }

    private func csvRecord(_ line: String, _ columns: CSVColumns) throws -> ReplayRecord {
        let fields = CSVColumns.split(line)
        guard columns.timeIndex < fields.count else { throw AdapterError(.invalidEvent, "no time field") }
        let timeText = fields[columns.timeIndex]
        let epochSeconds = Double(timeText).flatMap { abs($0) < 9.0e9 ? $0 : nil }
        guard let time = RFC3339.parse(timeText) ?? epochSeconds.map({ EventTime(nanosecondsSinceEpoch: Int64($0 * 1e9)) })
        else { throw AdapterError(.invalidEvent, "\"\(timeText)\" is not a time") }
        var measurement = EnergyMeasurement()
        measurement.deviceID = deviceID ?? defaultDeviceID
        measurement.meterTime = time.timestamp
        for column in columns.columns where column.index < fields.count && !fields[column.index].isEmpty {
            guard let value = Double(fields[column.index]), value.isFinite else {
                throw AdapterError(.invalidEvent, "\"\(fields[column.index])\" is not a number (\(column.quantity.rawValue))")
            }
            var normalized = EnergyValue(column.quantity, value * column.scale, phase: column.phase)
            normalized.unit = column.unit
            measurement.values.append(normalized)
        }
        return ReplayRecord(time: time, measurement: measurement)
    }

    private func jsonRecord(_ line: String) throws -> ReplayRecord {
        let event = try Event(jsonLine: line)
        guard event.kind == .measurement else { throw AdapterError(.invalidEvent, "kind \(event.kind) is not replayed") }
        var measurement = try event.decode(EnergyMeasurement.self)
        if let deviceID { measurement.deviceID = deviceID }
        return ReplayRecord(time: event.time, measurement: measurement)
    }
}

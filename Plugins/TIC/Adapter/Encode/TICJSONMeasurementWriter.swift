import AdapterKit

/// Writes a frame's measurement in the JSON form of events (docs/events.md: the Protocol Buffers
/// JSON mapping with the schema's field names, fields at their default left out, keys sorted as
/// AdapterKit sorts them), from the frame's bytes: what `tic-decode` prints.
package struct TICJSONMeasurementWriter: TICMeasurementSink {
    /// Where ``end()`` appends each measurement's JSON object (a caller may lend its own buffer).
    package var json = TICJSONBuffer(capacity: 4096)
    private let defaultDeviceID: String
    /// What the frame gave so far.
    private var parts = Parts()
    private var rawOrder = TICRawKeyOrder()
    /// Writes the values, the members of each value form rendered once for the family whose
    /// label index this is.
    fileprivate var valueForms = TICValueForms()

    /// The parts of a frame's measurement, as ``TICNormalizer`` gives them.
    private struct Parts {
        var raw: [TICRawEntry] = []
        /// The most bytes the `raw` members take in JSON.
        var rawMaximumCount = 0
        /// The values' JSON objects, comma-separated, in frame order.
        var values = TICJSONBuffer(capacity: 2048)
        var valueCount = 0
        var deviceID: Slice<UnsafeRawBufferPointer>?
        var meterTime: Int64?
        var tariffPeriod: Slice<UnsafeRawBufferPointer>?
    }

    /// A writer whose measurements have the frame's address as device id, else `defaultDeviceID`.
    package init(defaultDeviceID: String) {
        self.defaultDeviceID = defaultDeviceID
    }


    package mutating func raw(label: Slice<UnsafeRawBufferPointer>, data: Slice<UnsafeRawBufferPointer>, isVerbatim: Bool) {
        parts.raw.append(TICRawEntry(label: label, isHorodate: false, value: data, isVerbatim: isVerbatim))
        parts.rawMaximumCount += TICJSONWriter.maximumQuotedCount(label.count) + TICJSONWriter.maximumQuotedCount(data.count) + 2
    }

    package mutating func raw(label: Slice<UnsafeRawBufferPointer>, horodate: Slice<UnsafeRawBufferPointer>, isVerbatim: Bool) {
        parts.raw.append(TICRawEntry(label: label, isHorodate: true, value: horodate, isVerbatim: isVerbatim))
        parts.rawMaximumCount += TICJSONWriter.maximumQuotedCount(label.count + 9) + TICJSONWriter.maximumQuotedCount(horodate.count) + 2
    }

    package mutating func deviceID(_ data: Slice<UnsafeRawBufferPointer>) {
        parts.deviceID = data
    }

    package mutating func meterTime(secondsSinceEpoch: Int64) {
        parts.meterTime = secondsSinceEpoch
    }

    package mutating func tariffPeriod(_ name: Slice<UnsafeRawBufferPointer>) {
        parts.tariffPeriod = name
    }

    package mutating func value(_ value: TICNormalizedValue) {
        valueForms.write(value, first: parts.valueCount == 0, into: &parts.values)
        parts.valueCount += 1
    }

    package mutating func end() {
        rawOrder.sort(parts.raw)
        Self.write(parts, rawOrder: rawOrder.positions, defaultDeviceID: defaultDeviceID, into: &json)
        parts.raw.removeAll(keepingCapacity: true)
        parts.rawMaximumCount = 0
        parts.values.removeAll()
        parts.valueCount = 0
        parts.deviceID = nil
        parts.meterTime = nil
        parts.tariffPeriod = nil
    }

    /// Writes the measurement's object: its members in key order, at their default left out.
    private static func write(_ parts: Parts, rawOrder: [Int], defaultDeviceID: String, into buffer: inout TICJSONBuffer) {
        let deviceIDCount = parts.deviceID?.count ?? defaultDeviceID.utf8.count
        let maximumCount = 128 + TICJSONWriter.maximumQuotedCount(deviceIDCount) + parts.rawMaximumCount
            + TICJSONWriter.maximumQuotedCount(parts.tariffPeriod?.count ?? 0) + parts.values.count
        buffer.write(atMost: maximumCount) { json in
            json.append("{")
            var first = true
            func key(_ name: StaticString) {
                if !first { json.append(",") }
                json.append(name)
                first = false
            }
            if let deviceID = parts.deviceID {
                if !deviceID.isEmpty {
                    key("\"device_id\":")
                    json.appendQuoted(deviceID)
                }
            } else if !defaultDeviceID.isEmpty {
                key("\"device_id\":")
                json.appendQuoted(defaultDeviceID)
            }
            if let meterTime = parts.meterTime {
                key("\"meter_time\":")
                appendTimestamp(meterTime, to: &json)
            }
            if !parts.raw.isEmpty {
                key("\"raw\":{")
                for (index, position) in rawOrder.enumerated() {
                    if index > 0 { json.append(",") }
                    let entry = parts.raw[position]
                    if entry.isHorodate {
                        json.appendQuoted(entry.label, then: ".horodate", verbatim: entry.isVerbatim)
                    } else {
                        json.appendQuoted(entry.label, verbatim: entry.isVerbatim)
                    }
                    json.append(":")
                    json.appendQuoted(entry.value, verbatim: entry.isVerbatim)
                }
                json.append("}")
            }
            if let tariffPeriod = parts.tariffPeriod, !tariffPeriod.isEmpty {
                key("\"tariff_period\":")
                json.appendQuoted(tariffPeriod)
            }
            if parts.valueCount > 0 {
                key("\"values\":[")
                parts.values.withUnsafeBytes { json.append($0) }
                json.append("]")
            }
            json.append("}")
        }
    }

    /// Seconds since 1970 as the Protocol Buffers JSON mapping writes a timestamp of whole
    /// seconds: `"2017-09-15T08:16:01Z"` (22 bytes).
    private static func appendTimestamp(_ seconds: Int64, to json: inout TICJSONWriter) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds + 1) / 86_400 - 1
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = RFC3339.civil(fromDays: Int(days))
        json.append("\"")
        json.append(year, width: 4)
        json.append("-")
        json.append(month, width: 2)
        json.append("-")
        json.append(day, width: 2)
        json.append("T")
        json.append(secondOfDay / 3600, width: 2)
        json.append(":")
        json.append(secondOfDay / 60 % 60, width: 2)
        json.append(":")
        json.append(secondOfDay % 60, width: 2)
        json.append("Z\"")
    }
}

extension TICNormalizer {
    /// Appends the measurement of `frame` to `writer`'s ``TICJSONMeasurementWriter/json`` (the
    /// generic path, specialized here for this writer). Called as `normalizer?.write(…)` on a
    /// stored normalizer, it works in place: binding the normalizer first would copy it.
    package func write(_ frame: TICFrame, into writer: inout TICJSONMeasurementWriter) {
        writer.valueForms.use(family.labelIndex)
        normalize(frame, into: &writer)
    }
}

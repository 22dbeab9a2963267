import AdapterKit

/// Writes a frame's measurement in the JSON form of events (docs/events.md: the Protocol Buffers
/// JSON mapping with the schema's field names, fields at their default left out, keys sorted as
/// AdapterKit sorts them), from the frame's bytes: what `tic-decode` prints.
package struct TICJSONMeasurementWriter: TICMeasurementSink {
    /// The measurement's JSON object, once ``end()`` has written it.
    package private(set) var json = TICJSONBuffer(capacity: 4096)
    private let defaultDeviceID: String
    /// One `raw` member: `label` (with `.horodate` after it when `isHorodate`) → `value`.
    fileprivate struct RawEntry {
        var label: Slice<UnsafeRawBufferPointer>
        var isHorodate: Bool
        var value: Slice<UnsafeRawBufferPointer>
        var order: Int
        /// The key's first 8 bytes, big-endian, zero-padded: most comparisons end there.
        var prefix: UInt64
    }
    private var raw: [RawEntry] = []
    fileprivate static let horodateSuffix = Array(".horodate".utf8)
    /// The values' JSON objects, comma-separated, in frame order.
    private var values = TICJSONBuffer(capacity: 2048)
    private var valueCount = 0
    private var deviceID: Slice<UnsafeRawBufferPointer>?
    private var meterTime: Int64?
    private var tariffPeriod: Slice<UnsafeRawBufferPointer>?

    /// A writer whose measurements have the frame's address as device id, else `defaultDeviceID`.
    package init(defaultDeviceID: String) {
        self.defaultDeviceID = defaultDeviceID
    }

    package mutating func raw(label: Slice<UnsafeRawBufferPointer>, data: Slice<UnsafeRawBufferPointer>) {
        raw.append(RawEntry(label: label, isHorodate: false, value: data, order: raw.count, prefix: Self.prefix(label, horodate: false)))
    }

    package mutating func raw(label: Slice<UnsafeRawBufferPointer>, horodate: Slice<UnsafeRawBufferPointer>) {
        raw.append(RawEntry(label: label, isHorodate: true, value: horodate, order: raw.count, prefix: Self.prefix(label, horodate: true)))
    }

    package mutating func deviceID(_ data: Slice<UnsafeRawBufferPointer>) {
        deviceID = data
    }

    package mutating func meterTime(secondsSinceEpoch: Int64) {
        meterTime = secondsSinceEpoch
    }

    package mutating func tariffPeriod(_ name: Slice<UnsafeRawBufferPointer>) {
        tariffPeriod = name
    }

    package mutating func value(_ value: TICNormalizedValue) {
        values.append(valueCount == 0 ? "{" : ",{")
        valueCount += 1
        // Keys in order: phase, quality, quantity, register, unit, value.
        if value.phase != 0 {
            values.append("\"phase\":")
            values.append(Int(value.phase))
            values.append(",")
        }
        values.append("\"quality\":\"valid\",\"quantity\":")
        values.appendQuoted(value.quantity.rawValue)
        if let register = value.register, !register.isEmpty {
            values.append(",\"register\":")
            values.appendQuoted(register)
        } else if let label = value.registerLabel, !label.isEmpty {
            values.append(",\"register\":")
            values.appendQuoted(utf8: label)
        }
        values.append(",\"unit\":")
        values.appendQuoted(value.unit)
        if value.number.bitPattern != 0 {  // -0 is written (as 0), +0 is the default
            values.append(",\"value\":")
            values.append(value.number)
        }
        values.append("}")
    }

    package mutating func end() {
        json.removeAll()
        json.append("{")
        var first = true
        func key(_ name: StaticString) {
            if !first { json.append(",") }
            json.append(name)
            first = false
        }
        if let deviceID {
            if !deviceID.isEmpty {
                key("\"device_id\":")
                json.appendQuoted(utf8: deviceID)
            }
        } else if !defaultDeviceID.isEmpty {
            key("\"device_id\":")
            json.appendQuoted(defaultDeviceID)
        }
        if let meterTime {
            key("\"meter_time\":")
            appendTimestamp(meterTime)
        }
        if !raw.isEmpty {
            key("\"raw\":{")
            raw.sort { $0.precedes($1) }
            for index in raw.indices {
                // A key sent twice keeps its last value, as in a map.
                if index + 1 < raw.count, raw[index].hasSameKey(as: raw[index + 1]) { continue }
                if index > 0 { json.append(",") }
                json.appendQuoted(utf8: raw[index].label, then: raw[index].isHorodate ? Self.horodateSuffix : [])
                json.append(":")
                json.appendQuoted(utf8: raw[index].value)
            }
            json.append("}")
        }
        if let tariffPeriod, !tariffPeriod.isEmpty {
            key("\"tariff_period\":")
            json.appendQuoted(utf8: tariffPeriod)
        }
        if valueCount > 0 {
            key("\"values\":[")
            json.append(values)
            json.append("]")
        }
        json.append("}")
        raw.removeAll(keepingCapacity: true)
        values.removeAll()
        valueCount = 0
        deviceID = nil
        meterTime = nil
        tariffPeriod = nil
    }

    /// The first 8 bytes of the key `label` (with `.horodate` when `horodate`), big-endian.
    private static func prefix(_ label: Slice<UnsafeRawBufferPointer>, horodate: Bool) -> UInt64 {
        var prefix: UInt64 = 0
        var count = 0
        for byte in label.prefix(8) {
            prefix = prefix << 8 | UInt64(byte)
            count += 1
        }
        if horodate {
            for byte in horodateSuffix.prefix(8 - count) {
                prefix = prefix << 8 | UInt64(byte)
                count += 1
            }
        }
        return prefix << (8 * UInt64(8 - count))
    }

    /// Seconds since 1970 as the Protocol Buffers JSON mapping writes a timestamp of whole
    /// seconds: `"2017-09-15T08:16:01Z"`.
    private mutating func appendTimestamp(_ seconds: Int64) {
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

extension TICJSONMeasurementWriter.RawEntry {
    private static let suffix = TICJSONMeasurementWriter.horodateSuffix

    private var count: Int { label.count + (isHorodate ? Self.suffix.count : 0) }

    private func byte(_ offset: Int) -> UInt8 {
        offset < label.count ? label[label.startIndex + offset] : Self.suffix[offset - label.count]
    }

    /// Whether this key sorts before `other`'s (bytewise, as Swift orders ASCII strings), or
    /// is the same key sent earlier.
    func precedes(_ other: Self) -> Bool {
        if prefix != other.prefix { return prefix < other.prefix }  // keys hold no zero byte
        for offset in 0..<min(count, other.count) where byte(offset) != other.byte(offset) {
            return byte(offset) < other.byte(offset)
        }
        return count != other.count ? count < other.count : order < other.order
    }

    func hasSameKey(as other: Self) -> Bool {
        count == other.count && (0..<count).allSatisfy { byte($0) == other.byte($0) }
    }
}

import AdapterKit

/// Writes a frame's measurement straight into its Protocol Buffers payload (`EnergyMeasurement`
/// of `energy_events.proto`), from the frame's bytes: what the session hands to the host.
///
/// Fields come in frame order, the singular ones (device id, meter time, tariff period) at the
/// end; a decoder reads the same message as the one `EnergyMeasurement` would encode (for a
/// label sent twice, the last one wins, as in a map).
package struct TICProtobufMeasurementWriter: TICMeasurementSink {
    /// The payload so far.
    package private(set) var bytes: [UInt8] = []
    private let deviceIDOverride: String?
    private let defaultDeviceID: String
    private var deviceID: Slice<UnsafeRawBufferPointer>?
    private var meterTime: Int64?
    private var tariffPeriod: Slice<UnsafeRawBufferPointer>?

    /// A writer whose measurements have `deviceID`, else the frame's address, else `defaultDeviceID`.
    package init(deviceID: String?, defaultDeviceID: String, capacity: Int = 0) {
        deviceIDOverride = deviceID
        self.defaultDeviceID = defaultDeviceID
        bytes.reserveCapacity(capacity)
    }

    // Field tags: (field number << 3) | wire type (0 varint, 1 64-bit, 2 length-delimited).
    private enum Tag {
        static let deviceID: UInt8 = 0x0A, meterTime: UInt8 = 0x12, tariffPeriod: UInt8 = 0x1A, value: UInt8 = 0x22, raw: UInt8 = 0x2A
        static let entryKey: UInt8 = 0x0A, entryValue: UInt8 = 0x12
        static let quantity: UInt8 = 0x0A, number: UInt8 = 0x11, unit: UInt8 = 0x1A, register: UInt8 = 0x22, phase: UInt8 = 0x28
        static let quality: UInt8 = 0x32
        static let seconds: UInt8 = 0x08
    }

    private static let horodateSuffix = Array(".horodate".utf8)

    package mutating func raw(label: Slice<UnsafeRawBufferPointer>, data: Slice<UnsafeRawBufferPointer>) {
        entry(label, suffix: false, data)
    }

    package mutating func raw(label: Slice<UnsafeRawBufferPointer>, horodate: Slice<UnsafeRawBufferPointer>) {
        entry(label, suffix: true, horodate)
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
        let quantity = value.quantity.rawValue
        let registerCount = value.register?.utf8.count ?? value.registerLabel?.count ?? 0
        var size = Self.fieldSize(quantity.utf8.count) + Self.fieldSize(value.unit.utf8.count) + Self.fieldSize(5)
        if value.number.bitPattern != 0 { size += 9 }
        if registerCount > 0 { size += Self.fieldSize(registerCount) }
        if value.phase != 0 { size += 1 + Self.varintSize(UInt64(value.phase)) }
        bytes.append(Tag.value)
        appendVarint(UInt64(size))
        appendField(Tag.quantity, quantity.utf8)
        if value.number.bitPattern != 0 {
            bytes.append(Tag.number)
            withUnsafeBytes(of: value.number.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        appendField(Tag.unit, value.unit.utf8)
        if let register = value.register, !register.isEmpty {
            appendField(Tag.register, register.utf8)
        } else if let label = value.registerLabel, !label.isEmpty {
            appendField(Tag.register, label)
        }
        if value.phase != 0 {
            bytes.append(Tag.phase)
            appendVarint(UInt64(value.phase))
        }
        appendField(Tag.quality, "valid".utf8)
    }

    package mutating func end() {
        if let deviceIDOverride {
            if !deviceIDOverride.isEmpty { appendField(Tag.deviceID, deviceIDOverride.utf8) }
        } else if let deviceID {
            if !deviceID.isEmpty { appendField(Tag.deviceID, deviceID) }
        } else if !defaultDeviceID.isEmpty {
            appendField(Tag.deviceID, defaultDeviceID.utf8)
        }
        if let meterTime {
            // A google.protobuf.Timestamp of whole seconds: its nanos are 0, left out.
            let seconds = UInt64(bitPattern: meterTime)
            bytes.append(Tag.meterTime)
            if seconds == 0 {
                bytes.append(0)
            } else {
                appendVarint(UInt64(1 + Self.varintSize(seconds)))
                bytes.append(Tag.seconds)
                appendVarint(seconds)
            }
        }
        if let tariffPeriod, !tariffPeriod.isEmpty { appendField(Tag.tariffPeriod, tariffPeriod) }
        deviceID = nil
        meterTime = nil
        tariffPeriod = nil
    }

    /// A map entry of `raw`: `key` (with `.horodate` after it when `suffix`) → `value`.
    private mutating func entry(_ key: Slice<UnsafeRawBufferPointer>, suffix: Bool, _ value: Slice<UnsafeRawBufferPointer>) {
        let keyCount = key.count + (suffix ? Self.horodateSuffix.count : 0)
        bytes.append(Tag.raw)
        appendVarint(UInt64(Self.fieldSize(keyCount) + Self.fieldSize(value.count)))
        bytes.append(Tag.entryKey)
        appendVarint(UInt64(keyCount))
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: key))
        if suffix { bytes.append(contentsOf: Self.horodateSuffix) }
        appendField(Tag.entryValue, value)
    }

    /// Appends a field of the frame's bytes, copied at once (a slice appended as a collection
    /// would be copied byte by byte).
    private mutating func appendField(_ tag: UInt8, _ value: Slice<UnsafeRawBufferPointer>) {
        appendField(tag, UnsafeRawBufferPointer(rebasing: value))
    }

    private mutating func appendField<Bytes: Collection<UInt8>>(_ tag: UInt8, _ value: Bytes) {
        bytes.append(tag)
        appendVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    private mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// The size of a length-delimited field of `count` bytes (tag, length, bytes).
    private static func fieldSize(_ count: Int) -> Int {
        1 + varintSize(UInt64(count)) + count
    }

    private static func varintSize(_ value: UInt64) -> Int {
        var size = 1
        var value = value >> 7
        while value != 0 {
            size += 1
            value >>= 7
        }
        return size
    }
}

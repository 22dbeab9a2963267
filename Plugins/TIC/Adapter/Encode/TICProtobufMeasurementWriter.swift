import AdapterKit

/// Writes a frame's measurement straight into its Protocol Buffers payload (`EnergyMeasurement`
/// of `energy_events.proto`), from the frame's bytes: what the session hands to the host.
///
/// Fields come in frame order, the singular ones (device id, meter time, tariff period) at the
/// end; a decoder reads the same message as the one `EnergyMeasurement` would encode (for a
/// label sent twice, the last one wins, as in a map).
package struct TICProtobufMeasurementWriter: TICMeasurementSink {
    /// The payload, once ``end()`` has written the frame's last fields (zero-filled room after
    /// it before then).
    package private(set) var bytes: [UInt8]
    /// How many bytes of ``bytes`` are written.
    private var count = 0
    private let deviceIDOverride: String?
    private let defaultDeviceID: String
    private var deviceID: Slice<UnsafeRawBufferPointer>?
    private var meterTime: Int64?
    private var tariffPeriod: Slice<UnsafeRawBufferPointer>?

    /// A writer whose measurements have `deviceID`, else the frame's address, else `defaultDeviceID`.
    package init(deviceID: String?, defaultDeviceID: String, capacity: Int = 0) {
        deviceIDOverride = deviceID
        self.defaultDeviceID = defaultDeviceID
        bytes = Array(repeating: 0, count: capacity)
    }

    // Field tags: (field number << 3) | wire type (0 varint, 1 64-bit, 2 length-delimited).
    private enum Tag {
        static let deviceID: UInt8 = 0x0A, meterTime: UInt8 = 0x12, tariffPeriod: UInt8 = 0x1A, value: UInt8 = 0x22, raw: UInt8 = 0x2A
        static let entryKey: UInt8 = 0x0A, entryValue: UInt8 = 0x12
        static let quantity: UInt8 = 0x0A, number: UInt8 = 0x11, unit: UInt8 = 0x1A, register: UInt8 = 0x22, phase: UInt8 = 0x28
        static let quality: UInt8 = 0x32
        static let seconds: UInt8 = 0x08
    }

    private static let horodateSuffix: StaticString = ".horodate"
    private static let valid: StaticString = "valid"

    package mutating func raw(label: Slice<UnsafeRawBufferPointer>, data: Slice<UnsafeRawBufferPointer>, isVerbatim: Bool) {
        entry(label, suffix: false, data)
    }

    package mutating func raw(label: Slice<UnsafeRawBufferPointer>, horodate: Slice<UnsafeRawBufferPointer>, isVerbatim: Bool) {
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
        let quantity = UnsafeRawBufferPointer(rebasing: value.quantity), unit = UnsafeRawBufferPointer(rebasing: value.unit)
        let register = value.register.flatMap { $0.isEmpty ? nil : UnsafeRawBufferPointer(rebasing: $0) }
        var size = TICProtobufWriter.fieldSize(quantity.count) + TICProtobufWriter.fieldSize(unit.count)
            + TICProtobufWriter.fieldSize(Self.valid.utf8CodeUnitCount)
        if value.number.bitPattern != 0 { size += 9 }
        if let register { size += TICProtobufWriter.fieldSize(register.count) }
        if value.phase != 0 { size += 1 + TICProtobufWriter.varintSize(UInt64(value.phase)) }
        write(atMost: 1 + TICProtobufWriter.maximumVarintCount + size) { message in
            message.append(Tag.value)
            message.appendVarint(UInt64(size))
            message.appendField(Tag.quantity, quantity)
            if value.number.bitPattern != 0 {
                message.append(Tag.number)
                withUnsafeBytes(of: value.number.bitPattern.littleEndian) { message.append($0) }
            }
            message.appendField(Tag.unit, unit)
            if let register { message.appendField(Tag.register, register) }
            if value.phase != 0 {
                message.append(Tag.phase)
                message.appendVarint(UInt64(value.phase))
            }
            message.appendField(Tag.quality, UnsafeRawBufferPointer(start: Self.valid.utf8Start, count: Self.valid.utf8CodeUnitCount))
        }
    }

    package mutating func end() {
        let deviceID: UnsafeRawBufferPointer? = deviceIDOverride == nil ? self.deviceID.map { UnsafeRawBufferPointer(rebasing: $0) } : nil
        let deviceIDString = deviceIDOverride ?? (deviceID == nil ? defaultDeviceID : "")
        let meterTime = meterTime
        let tariffPeriod = tariffPeriod.map { UnsafeRawBufferPointer(rebasing: $0) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
        let maximumCount = TICProtobufWriter.maximumFieldCount(deviceID?.count ?? deviceIDString.utf8.count)
            + 3 + 2 * TICProtobufWriter.maximumVarintCount + TICProtobufWriter.maximumFieldCount(tariffPeriod.count)
        write(atMost: maximumCount) { message in
            if let deviceID {
                if !deviceID.isEmpty { message.appendField(Tag.deviceID, deviceID) }
            } else if !deviceIDString.isEmpty {
                message.appendField(Tag.deviceID, deviceIDString)
            }
            if let meterTime {
                // A google.protobuf.Timestamp of whole seconds: its nanos are 0, left out.
                let seconds = UInt64(bitPattern: meterTime)
                message.append(Tag.meterTime)
                if seconds == 0 {
                    message.append(0)
                } else {
                    message.appendVarint(UInt64(1 + TICProtobufWriter.varintSize(seconds)))
                    message.append(Tag.seconds)
                    message.appendVarint(seconds)
                }
            }
            if !tariffPeriod.isEmpty { message.appendField(Tag.tariffPeriod, tariffPeriod) }
        }
        bytes.removeLast(bytes.count - count)
        self.deviceID = nil
        self.meterTime = nil
        self.tariffPeriod = nil
    }

    /// A map entry of `raw`: `key` (with `.horodate` after it when `suffix`) → `value`.
    private mutating func entry(_ key: Slice<UnsafeRawBufferPointer>, suffix: Bool, _ value: Slice<UnsafeRawBufferPointer>) {
        let key = UnsafeRawBufferPointer(rebasing: key), value = UnsafeRawBufferPointer(rebasing: value)
        let keyCount = key.count + (suffix ? Self.horodateSuffix.utf8CodeUnitCount : 0)
        let size = TICProtobufWriter.fieldSize(keyCount) + TICProtobufWriter.fieldSize(value.count)
        write(atMost: 1 + TICProtobufWriter.maximumVarintCount + size) { entry in
            entry.append(Tag.raw)
            entry.appendVarint(UInt64(size))
            entry.append(Tag.entryKey)
            entry.appendVarint(UInt64(keyCount))
            entry.append(key)
            if suffix { entry.append(UnsafeRawBufferPointer(start: Self.horodateSuffix.utf8Start, count: Self.horodateSuffix.utf8CodeUnitCount)) }
            entry.appendField(Tag.entryValue, value)
        }
    }

    /// Calls `body` to write at most `maximumCount` bytes into room made once, and keeps what it
    /// wrote.
    private mutating func write(atMost maximumCount: Int, _ body: (inout TICProtobufWriter) -> Void) {
        if bytes.count - count < maximumCount {  // at least doubling
            bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, count + maximumCount - bytes.count)))
        }
        let start = count
        count += bytes.withUnsafeMutableBufferPointer { bytes in
            var writer = TICProtobufWriter(room: UnsafeMutableBufferPointer(rebasing: bytes[start..<(start + maximumCount)]))
            body(&writer)
            return writer.count
        }
    }
}

/// Writes Protocol Buffers fields into the room made for one piece of a payload (see
/// ``TICProtobufMeasurementWriter``): every write is checked against that room, so a piece that
/// claimed too little stops the program rather than write past it.
struct TICProtobufWriter {
    /// The room made for this piece.
    private let room: UnsafeMutableBufferPointer<UInt8>
    /// How many bytes of the room are written.
    private(set) var count = 0

    init(room: UnsafeMutableBufferPointer<UInt8>) {
        self.room = room
    }

    /// The most bytes a varint takes.
    static let maximumVarintCount = 10

    /// The most bytes ``appendField(_:_:)-(UInt8,UnsafeRawBufferPointer)`` writes for `count` bytes.
    static func maximumFieldCount(_ count: Int) -> Int { 1 + maximumVarintCount + count }

    /// The size of a length-delimited field of `count` bytes (tag, length, bytes).
    static func fieldSize(_ count: Int) -> Int {
        1 + varintSize(UInt64(count)) + count
    }

    /// The bytes `value` takes as a varint.
    static func varintSize(_ value: UInt64) -> Int {
        var size = 1
        var value = value >> 7
        while value != 0 {
            size += 1
            value >>= 7
        }
        return size
    }

    /// Appends a byte (a tag).
    mutating func append(_ byte: UInt8) {
        precondition(count < room.count, "TICProtobufWriter: more than the room made")
        room[count] = byte
        count += 1
    }

    /// Appends bytes as they are, at once.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count <= room.count - count, "TICProtobufWriter: more than the room made")
        UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: room[count...])).copyMemory(from: bytes)
        count += bytes.count
    }

    /// Appends a varint (inlined: most are lengths of one byte).
    @inline(__always)
    mutating func appendVarint(_ value: UInt64) {
        guard value >= 0x80 else { return append(UInt8(value)) }
        var value = value
        while value >= 0x80 {
            append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        append(UInt8(value))
    }

    /// Appends a length-delimited field: `tag`, the length, `value`.
    mutating func appendField(_ tag: UInt8, _ value: UnsafeRawBufferPointer) {
        append(tag)
        appendVarint(UInt64(value.count))
        append(value)
    }

    /// Appends a length-delimited field of the UTF-8 bytes of `value`.
    mutating func appendField(_ tag: UInt8, _ value: String) {
        var value = value
        value.withUTF8 { appendField(tag, UnsafeRawBufferPointer($0)) }
    }
}

import AdapterKit

/// Writes JSON text into the room a ``TICJSONBuffer`` made for one piece of it (see
/// ``TICJSONBuffer/write(atMost:_:)``).
///
/// Strings are escaped as AdapterKit's JSON form escapes them (`\"`, `\\`, `\n`, `\r`, `\t`,
/// `\u00XX` for the other control characters); numbers are written as it writes them (whole
/// numbers below 10^15 as integers). Every write checks that it fits the room: a piece that
/// claimed too little room stops the program rather than write past it.
package struct TICJSONWriter {
    /// The room made for this piece.
    @usableFromInline let room: UnsafeMutableBufferPointer<UInt8>
    /// How many bytes of the room are written.
    @usableFromInline var count = 0

    @usableFromInline
    init(room: UnsafeMutableBufferPointer<UInt8>) {
        self.room = room
    }

    /// The most bytes ``appendQuoted(_:)`` writes for `count` bytes (each escaped as `\u00XX`).
    @inlinable
    package static func maximumQuotedCount(_ count: Int) -> Int { 2 + 6 * count }

    /// The most bytes ``append(_:)-(Int)`` writes.
    package static let maximumIntegerCount = 20
    /// The most bytes ``append(_:)-(Double)`` writes (`-2.2250738585072014e-308`).
    package static let maximumNumberCount = 32

    /// Appends a byte.
    @inlinable
    package mutating func append(_ byte: UInt8) {
        precondition(count < room.count, "TICJSONWriter: more than the room made")
        room[count] = byte
        count += 1
    }

    /// Appends bytes as they are.
    @inlinable @inline(__always)
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count <= room.count - count, "TICJSONWriter: more than the room made")
        UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: room[count...])).copyMemory(from: bytes)
        count += bytes.count
    }

    /// Appends JSON text as it is (punctuation, keys known to need no escaping). Inlined where
    /// it is written, the copy is of a known length: a few moves, no copy call.
    @inlinable @inline(__always)
    package mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) }
    }

    /// Appends UTF-8 bytes quoted and escaped.
    @inlinable
    package mutating func appendQuoted(_ utf8: Slice<UnsafeRawBufferPointer>) {
        append(UInt8(ascii: "\""))
        appendEscaped(utf8)
        append(UInt8(ascii: "\""))
    }

    /// Appends the UTF-8 bytes of `utf8` then of `suffix`, as one string quoted and escaped.
    @inlinable
    package mutating func appendQuoted(_ utf8: Slice<UnsafeRawBufferPointer>, then suffix: StaticString) {
        append(UInt8(ascii: "\""))
        appendEscaped(utf8)
        suffix.withUTF8Buffer { appendEscaped(UnsafeRawBufferPointer($0)[...]) }
        append(UInt8(ascii: "\""))
    }

    /// Appends UTF-8 bytes quoted, and escaped unless `verbatim`: the caller knows that none
    /// needs it (``TICGroupSpan/isVerbatim``).
    @inlinable @inline(__always)
    package mutating func appendQuoted(_ utf8: Slice<UnsafeRawBufferPointer>, verbatim: Bool) {
        guard verbatim else { return appendQuoted(utf8) }
        append(UInt8(ascii: "\""))
        appendVerbatim(utf8)
        append(UInt8(ascii: "\""))
    }

    /// Appends the UTF-8 bytes of `utf8` then of `suffix` (which needs no escaping), as one
    /// string quoted, and escaped unless `verbatim`.
    @inlinable
    package mutating func appendQuoted(_ utf8: Slice<UnsafeRawBufferPointer>, then suffix: StaticString, verbatim: Bool) {
        guard verbatim else { return appendQuoted(utf8, then: suffix) }
        append(UInt8(ascii: "\""))
        appendVerbatim(utf8)
        append(suffix)
        append(UInt8(ascii: "\""))
    }

    /// Appends bytes as they are. Up to 16 of them as two words when both buffers have 16 bytes
    /// from there (the bytes past the text are written in the room, where the next writes go),
    /// else in one copy: fields are a few bytes, too short for a copy call each.
    @inlinable @inline(__always)
    mutating func appendVerbatim(_ text: Slice<UnsafeRawBufferPointer>) {
        let textCount = text.endIndex - text.startIndex  // not `count`: a call through the generic distance
        precondition(textCount <= room.count - count, "TICJSONWriter: more than the room made")
        guard let source = text.base.baseAddress, let target = room.baseAddress else { return }
        if textCount <= 16, text.base.count - text.startIndex >= 16, room.count - count >= 16 {
            let first = source.loadUnaligned(fromByteOffset: text.startIndex, as: UInt64.self)
            let second = source.loadUnaligned(fromByteOffset: text.startIndex + 8, as: UInt64.self)
            UnsafeMutableRawPointer(target + count).storeBytes(of: first, as: UInt64.self)
            UnsafeMutableRawPointer(target + count + 8).storeBytes(of: second, as: UInt64.self)
        } else {
            UnsafeMutableRawPointer(target + count).copyMemory(from: source + text.startIndex, byteCount: textCount)
        }
        count += textCount
    }

    /// Appends `string` quoted and escaped.
    package mutating func appendQuoted(_ string: String) {
        var string = string
        string.withUTF8 { appendQuoted(UnsafeRawBufferPointer($0)[...]) }
    }

    /// Appends bytes quoted as text of one character per byte (U+0000 to U+00FF), escaped.
    package mutating func appendQuoted(latin1: [UInt8]) {
        append(UInt8(ascii: "\""))
        for byte in latin1 {
            if byte < 0x80 {
                appendEscaped(byte)
            } else {
                append(0xC0 | byte >> 6)
                append(0x80 | byte & 0x3F)
            }
        }
        append(UInt8(ascii: "\""))
    }

    /// Appends an integer.
    @inlinable
    package mutating func append(_ number: Int) {
        if number < 0 { append(UInt8(ascii: "-")) }
        append(number.magnitude, width: 1)
    }

    /// Appends a non-negative integer padded with zeros to `width` digits (at most 20).
    @inlinable
    package mutating func append(_ number: Int, width: Int) {
        append(UInt(number), width: width)
    }

    /// Appends a number: whole numbers below 10^15 as integers, others as AdapterKit writes them.
    package mutating func append(_ number: Double) {
        if number.rounded() == number, abs(number) < 1e15 {
            append(Int(number))
        } else {
            var text = JSONValue.format(number)
            text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
        }
    }

    /// Appends the digits of `value`, at least `width` of them (zeros first), written from the last.
    @inlinable
    mutating func append(_ value: UInt, width: Int) {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        digits = max(digits, width)
        precondition(digits <= room.count - count, "TICJSONWriter: more than the room made")
        rest = value
        for offset in (count..<(count + digits)).reversed() {
            room[offset] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
        count += digits
    }

    /// Appends `text` escaped, after one check that even all of it escaped would fit. Eight
    /// bytes at a time while none of them needs escaping (one load, one test, one store: fields
    /// are a few to a hundred bytes, too short for a copy call per run), then byte by byte.
    @inlinable
    mutating func appendEscaped(_ text: Slice<UnsafeRawBufferPointer>) {
        precondition(text.count <= (room.count - count) / 6, "TICJSONWriter: more than the room made")
        guard let source = text.base.baseAddress, let target = room.baseAddress else { return }
        var offset = text.startIndex
        while text.endIndex - offset >= 8 {
            let word = source.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            guard !Self.needsEscape(word) else { break }
            // In the room: checked above for the whole text.
            UnsafeMutableRawPointer(target + count).storeBytes(of: word, as: UInt64.self)
            count += 8
            offset += 8
        }
        // Fewer than 8 bytes left: one word too when both buffers have 8 bytes from there (the
        // bytes past the text are read as letters, and written past the text but in the room,
        // where the next writes go).
        let rest = text.endIndex - offset
        if rest > 0, rest < 8, text.base.count - offset >= 8, room.count - count >= 8 {
            let kept: UInt64 = (1 << (UInt64(rest) * 8)) - 1
            let word = source.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & kept | 0x4141_4141_4141_4141 & ~kept
            if !Self.needsEscape(word) {
                UnsafeMutableRawPointer(target + count).storeBytes(of: word, as: UInt64.self)
                count += rest
                return
            }
        }
        while offset < text.endIndex {
            let byte = source.load(fromByteOffset: offset, as: UInt8.self)
            if Self.needsEscape(byte) {
                appendEscaped(byte)
            } else {
                room[count] = byte  // in the room: checked above for the whole text
                count += 1
            }
            offset += 1
        }
    }

    /// Whether some byte of `word` needs escaping: below 0x20, `"` or `\` (exact: the tests
    /// for a byte below n and for a zero byte have no false positive on whether one exists).
    @inlinable
    static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
        let below0x20 = (word &- ones &* 0x20) & ~word & highs != 0
        return below0x20 || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C))
    }

    @inlinable
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    @inlinable
    mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case UInt8(ascii: "\n"): append("\\n")
        case UInt8(ascii: "\r"): append("\\r")
        case UInt8(ascii: "\t"): append("\\t")
        case ..<0x20:
            append("\\u00")
            append(Self.hexDigit(byte >> 4))
            append(Self.hexDigit(byte & 0xF))
        default: append(byte)
        }
    }

    @inlinable
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

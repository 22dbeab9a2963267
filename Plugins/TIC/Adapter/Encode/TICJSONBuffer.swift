import AdapterKit

/// JSON text written straight into bytes: escaped strings and numbers appended to one buffer,
/// with no JSON values built and nothing parsed. `tic-decode` writes its lines with it.
///
/// Strings are escaped as AdapterKit's JSON form escapes them (`\"`, `\\`, `\n`, `\r`, `\t`,
/// `\u00XX` for the other control characters); numbers are written as it writes them (whole
/// numbers below 10^15 as integers).
package struct TICJSONBuffer: Sendable {
    /// The text so far, UTF-8.
    package private(set) var bytes: [UInt8] = []

    /// An empty buffer that can hold `capacity` bytes before it grows.
    package init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends JSON text as it is (punctuation, keys known to need no escaping).
    package mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends `string` quoted and escaped.
    package mutating func appendQuoted(_ string: String) {
        var string = string
        string.withUTF8 { appendQuoted(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Appends UTF-8 bytes quoted and escaped.
    package mutating func appendQuoted(utf8: Slice<UnsafeRawBufferPointer>) {
        appendQuoted(utf8: UnsafeRawBufferPointer(rebasing: utf8))
    }

    /// Appends UTF-8 bytes quoted and escaped.
    package mutating func appendQuoted(utf8: UnsafeRawBufferPointer) {
        bytes.append(UInt8(ascii: "\""))
        appendEscaped(utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends the UTF-8 bytes of `utf8` then of `more`, as one string quoted and escaped.
    package mutating func appendQuoted(utf8: Slice<UnsafeRawBufferPointer>, then more: [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        appendEscaped(UnsafeRawBufferPointer(rebasing: utf8))
        more.withUnsafeBytes { appendEscaped($0) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends what `other` holds.
    package mutating func append(_ other: TICJSONBuffer) {
        bytes.append(contentsOf: other.bytes)
    }

    /// Appends a non-negative integer padded with zeros to `width` digits.
    package mutating func append(_ number: Int, width: Int) {
        var digits = 1
        var rest = number / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        for _ in digits..<max(digits, width) { bytes.append(UInt8(ascii: "0")) }
        append(number)
    }

    /// Appends bytes quoted as text of one character per byte (U+0000 to U+00FF), escaped: a
    /// refused group shown as it was received, whatever its bytes.
    package mutating func appendQuoted<Bytes: Sequence<UInt8>>(latin1: Bytes) {
        bytes.append(UInt8(ascii: "\""))
        for byte in latin1 {
            if byte < 0x80 {
                appendEscaped(byte)
            } else {
                bytes.append(0xC0 | byte >> 6)
                bytes.append(0x80 | byte & 0x3F)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends an integer.
    package mutating func append(_ number: Int) {
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(number.magnitude)
    }

    /// Appends a number: whole numbers below 10^15 as integers, others as AdapterKit writes them.
    package mutating func append(_ number: Double) {
        if number.rounded() == number, abs(number) < 1e15 {
            append(Int(number))
        } else {
            bytes.append(contentsOf: JSONValue.format(number).utf8)
        }
    }

    /// Empties the buffer, keeping its storage.
    package mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    private mutating func appendDigits(_ value: UInt) {
        if value >= 10 { appendDigits(value / 10) }
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// Appends `text` escaped: runs of bytes that need no escape are copied whole.
    private mutating func appendEscaped(_ text: UnsafeRawBufferPointer) {
        var run = 0
        for index in 0..<text.count where Self.needsEscape(text[index]) {
            if index > run { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[run..<index])) }
            appendEscaped(text[index])
            run = index + 1
        }
        if text.count > run { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[run...])) }
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case UInt8(ascii: "\n"): append("\\n")
        case UInt8(ascii: "\r"): append("\\r")
        case UInt8(ascii: "\t"): append("\\t")
        case ..<0x20:
            append("\\u00")
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0xF)])
        default: bytes.append(byte)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

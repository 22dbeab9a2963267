/// A strict RFC 8259 JSON parser for configurations and event lines: what a reviewer reads is what
/// runs. Duplicate keys (which `jq` and Python resolve differently from Foundation), trailing
/// commas, comments, leading zeros, control characters in strings and nesting deeper than
/// ``maximumDepth`` are errors, each with its line and column.
struct StrictJSONParser {
    /// Nesting deeper than this is refused (a hostile file cannot exhaust the stack).
    static let maximumDepth = 512

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The document, which must be one JSON value surrounded by whitespace only.
    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw failure("unexpected \(describe(bytes[index])) after the end of the document") }
        return value
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
        guard index < bytes.count else { throw failure("unexpected end of the document") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case let byte: throw failure("unexpected \(describe(byte))")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        index += 1
        var members: [String: JSONValue] = [:]
        var offsets: [String: Int] = [:]
        skipWhitespace()
        if peek(UInt8(ascii: "}")) { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else {
                throw failure(peek(UInt8(ascii: "}")) ? "trailing comma before }" : "expected a key in double quotes, found \(describeNext())")
            }
            let offset = index
            let key = try parseString()
            if let first = offsets[key] {
                throw failure("duplicate key \"\(key)\" (first at \(position(of: first)))", at: position(of: offset))
            }
            offsets[key] = offset
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { throw failure("expected : after the key \"\(key)\", found \(describeNext())") }
            index += 1
            skipWhitespace()
            members[key] = try parseValue(depth: depth + 1)
            skipWhitespace()
            if peek(UInt8(ascii: ",")) { index += 1; continue }
            if peek(UInt8(ascii: "}")) { index += 1; return .object(members) }
            throw failure("expected , or } in an object, found \(describeNext())")
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) { index += 1; return .array(items) }
        while true {
            skipWhitespace()
            if peek(UInt8(ascii: "]")) { throw failure("trailing comma before ]") }
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if peek(UInt8(ascii: ",")) { index += 1; continue }
            if peek(UInt8(ascii: "]")) { index += 1; return .array(items) }
            throw failure("expected , or ] in an array, found \(describeNext())")
        }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        let start = index
        index += 1
        var run = index
        var text = ""
        while true {
            guard index < bytes.count else { throw failure("unterminated string (opened at \(position(of: start)))") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                text += String(decoding: bytes[run..<index], as: UTF8.self)
                index += 1
                return text
            }
            if byte < 0x20 { throw failure("control character \(describe(byte)) in a string: escape it") }
            guard byte == UInt8(ascii: "\\") else { index += 1; continue }
            text += String(decoding: bytes[run..<index], as: UTF8.self)
            index += 1
            guard index < bytes.count else { throw failure("unterminated string (opened at \(position(of: start)))") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): text += "\""
            case UInt8(ascii: "\\"): text += "\\"
            case UInt8(ascii: "/"): text += "/"
            case UInt8(ascii: "b"): text += "\u{8}"
            case UInt8(ascii: "f"): text += "\u{C}"
            case UInt8(ascii: "n"): text += "\n"
            case UInt8(ascii: "r"): text += "\r"
            case UInt8(ascii: "t"): text += "\t"
            case UInt8(ascii: "u"): text.unicodeScalars.append(try parseUnicodeEscape())
            default: throw failure("invalid escape \\\(describe(escape))")
            }
            run = index
        }
    }

    private mutating func parseUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let high = try hex4()
        if (0xD800..<0xDC00).contains(high) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw failure("a high surrogate \\u\(String(high, radix: 16)) without its low surrogate")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("invalid low surrogate \\u\(String(low, radix: 16))") }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(high) else { throw failure("a lone low surrogate \\u\(String(high, radix: 16))") }
        return scalar
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
        else { throw failure("\\u must be followed by 4 hexadecimal digits") }
        index += 4
        return value
    }

    private mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = index
        if peek(UInt8(ascii: "-")) { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw failure("a number needs digits") }
        if bytes[index] == UInt8(ascii: "0"), index + 1 < bytes.count, isDigit(bytes[index + 1]) {
            throw failure("leading zero in a number")
        }
        skipDigits()
        if peek(UInt8(ascii: ".")) {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("a digit must follow the decimal point") }
            skipDigits()
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            index += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("an exponent needs digits") }
            skipDigits()
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw failure("the number \(text) is out of range", at: position(of: start)) }
        return value
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<(index + expected.count)]) == expected else {
            throw failure("unexpected \(describeNext())")
        }
        index += expected.count
        return value
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    private func describeNext() -> String {
        index < bytes.count ? describe(bytes[index]) : "the end of the document"
    }

    private func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    /// `line L, column C` (from 1; columns count bytes) of the current byte.
    private var position: String { position(of: index) }

    private func position(of offset: Int) -> String {
        var line = 1, lineStart = 0
        for (at, byte) in bytes[..<min(offset, bytes.count)].enumerated() where byte == 0x0A {
            line += 1
            lineStart = at + 1
        }
        return "line \(line), column \(offset - lineStart + 1)"
    }

    private func failure(_ message: String, at position: String? = nil) -> JSONParseError {
        JSONParseError(message: "\(position ?? self.position): \(message)")
    }
}

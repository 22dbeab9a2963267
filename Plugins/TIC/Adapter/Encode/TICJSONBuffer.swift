/// JSON text written straight into bytes: escaped strings and numbers appended to one buffer,
/// with no JSON values built and nothing parsed. `tic-decode` writes its lines with it.
///
/// Text is written a piece at a time (a line, a member) through ``write(atMost:_:)``: room for
/// the piece is made once, then a ``TICJSONWriter`` writes into it with no further capacity or
/// uniqueness check per byte or per part.
package struct TICJSONBuffer: Sendable {
    /// Zero-filled storage: the text is its first ``count`` bytes, the rest is room.
    @usableFromInline var storage: [UInt8]
    /// How many bytes of text the buffer holds.
    @usableFromInline package internal(set) var count = 0

    /// An empty buffer that can hold `capacity` bytes before it grows.
    package init(capacity: Int = 0) {
        storage = Array(repeating: 0, count: capacity)
    }

    /// The text so far, UTF-8.
    package var bytes: ArraySlice<UInt8> { storage[..<count] }

    /// Calls `body` with the text so far.
    package func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    /// Calls `body` to write at most `maximumCount` bytes, and keeps what it wrote. The writer
    /// cannot write past `maximumCount` bytes (it stops the program instead).
    @inlinable @inline(__always)
    package mutating func write(atMost maximumCount: Int, _ body: (inout TICJSONWriter) -> Void) {
        if storage.count - count < maximumCount { grow(toHold: maximumCount) }
        let start = count
        count += storage.withUnsafeMutableBufferPointer { storage in
            var writer = TICJSONWriter(room: UnsafeMutableBufferPointer(rebasing: storage[start..<(start + maximumCount)]))
            body(&writer)
            return writer.count
        }
    }

    /// Appends JSON text as it is (punctuation, keys known to need no escaping).
    package mutating func append(_ text: StaticString) {
        write(atMost: text.utf8CodeUnitCount) { $0.append(text) }
    }

    /// Appends `string` quoted and escaped.
    package mutating func appendQuoted(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            write(atMost: TICJSONWriter.maximumQuotedCount(utf8.count)) { $0.appendQuoted(UnsafeRawBufferPointer(utf8)[...]) }
        }
    }

    /// Appends bytes quoted as text of one character per byte (U+0000 to U+00FF), escaped: a
    /// refused group shown as it was received, whatever its bytes.
    package mutating func appendQuoted(latin1: [UInt8]) {
        write(atMost: TICJSONWriter.maximumQuotedCount(latin1.count)) { $0.appendQuoted(latin1: latin1) }
    }

    /// Appends an integer.
    package mutating func append(_ number: Int) {
        write(atMost: TICJSONWriter.maximumIntegerCount) { $0.append(number) }
    }

    /// Appends a number: whole numbers below 10^15 as integers, others as AdapterKit writes them.
    package mutating func append(_ number: Double) {
        write(atMost: TICJSONWriter.maximumNumberCount) { $0.append(number) }
    }

    /// Appends what `other` holds.
    package mutating func append(_ other: TICJSONBuffer) {
        other.withUnsafeBytes { text in write(atMost: text.count) { $0.append(text) } }
    }

    /// Empties the buffer, keeping its storage.
    package mutating func removeAll() {
        count = 0
    }

    /// Makes room for `maximumCount` more bytes, at least doubling the storage.
    @usableFromInline
    mutating func grow(toHold maximumCount: Int) {
        storage.append(contentsOf: repeatElement(0, count: max(storage.count, count + maximumCount - storage.count)))
    }
}

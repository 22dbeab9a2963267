/// A ``TICFieldFormat`` as the hot path checks data against it: the same rules, with the unit
/// suffixes' bytes laid out once in a ``TICUnitSuffixes`` shared by the parsers of a set of
/// formats, so that matching a group's data against them makes no `String` work (PME-PMI data
/// carry a unit in most groups) and a parser holds nothing to retain.
struct TICFieldParser: Sendable {
    /// The characters of the data (of the number, when a unit follows).
    let characters: TICCharacters
    private let widths: ClosedRange<Int>
    /// The positions of the format's unit suffixes among the shared ones, in the format's order.
    private let units: Range<Int>

    /// The parser of `format`, whose unit suffixes it adds to `suffixes`.
    init(_ format: TICFieldFormat, suffixes: inout TICUnitSuffixes) {
        characters = format.characters
        widths = format.minWidth...format.maxWidth
        units = suffixes.append(format.units)
    }

    /// Data as a format reads them.
    struct Reading: Sendable, Hashable {
        /// How many leading bytes of the data are its number.
        var count: Int
        /// Its unit, as an index in the format's units (nil when the format has none).
        var unit: Int?
    }

    /// Whether the format has unit suffixes.
    var hasUnits: Bool { !units.isEmpty }

    /// How `data` reads by the format: its number's length and its unit; nil when `data` does
    /// not have the format. `suffixes`: those the parser was made with.
    func parse(utf8 data: Slice<UnsafeRawBufferPointer>, suffixes: TICUnitSuffixes.View) -> Reading? {
        guard hasUnits else {  // the common case
            return widths.contains(data.count) && Self.matches(characters, data) ? Reading(count: data.count, unit: nil) : nil
        }
        // The longest unit the data ends with (the first of equal lengths).
        var best: (index: Int, count: Int)?
        let dataCount = data.endIndex - data.startIndex  // not `count`: a call through the generic distance
        for position in units {
            let suffix = suffixes[position]
            guard dataCount > suffix.count, suffix.count > (best?.count ?? 0) else { continue }
            if Self.ends(data, with: suffix) { best = (position - units.lowerBound, suffix.count) }
        }
        guard let best else { return nil }
        var value = data.dropLast(best.count)
        if value.last == UInt8(ascii: "T") { value = value.dropLast() }  // truncated power, `0TkW`
        guard widths.contains(value.count), Self.matches(characters, value) else { return nil }
        return Reading(count: value.count, unit: best.index)
    }

    /// Whether `data` ends with `suffix`, which is shorter: compared in place, byte by byte.
    @inline(__always)
    private static func ends(_ data: Slice<UnsafeRawBufferPointer>, with suffix: UnsafeRawBufferPointer) -> Bool {
        let start = data.endIndex - suffix.count
        for offset in 0..<suffix.count where data.base[start + offset] != suffix[offset] { return false }
        return true
    }

    private static func matches(_ characters: TICCharacters, _ value: Slice<UnsafeRawBufferPointer>) -> Bool {
        switch characters {
        case .digits: return value.allSatisfy(isDigit)
        case .alphanumeric: return value.allSatisfy { isDigit($0) || isLetter($0) }
        case .paddedAlphanumeric:
            let name = value.prefix { $0 != UInt8(ascii: " ") }
            return !name.isEmpty && name.allSatisfy { isDigit($0) || isLetter($0) }
                && value[name.endIndex...].allSatisfy { $0 == UInt8(ascii: " ") }
        case .hex: return value.allSatisfy { isDigit($0) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0) }
        case .text: return value.allSatisfy { (0x20...0x7E).contains($0) }
        case .decimalComma:
            let unsigned = value.first == UInt8(ascii: "-") ? value.dropFirst() : value[...]
            guard let comma = unsigned.firstIndex(of: UInt8(ascii: ",")) else { return false }
            let integer = unsigned[..<comma], fraction = unsigned[unsigned.index(after: comma)...]
            return !integer.isEmpty && !fraction.isEmpty && integer.allSatisfy(isDigit) && fraction.allSatisfy(isDigit)
        case .date: return TICWallTime(utf8: value) != nil
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }
}

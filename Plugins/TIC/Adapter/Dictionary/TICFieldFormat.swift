/// The characters a label's data may hold, checked on top of the checksum (tic.md §3: the 6-bit
/// checksum misses bit-6 flips and swapped characters, so widths and classes are checked too).
public enum TICCharacters: String, Codable, Sendable, Hashable {
    /// `0`–`9` only (indexes, currents, powers).
    case digits
    /// `0`–`9`, `A`–`Z`, `a`–`z` (addresses, status words).
    case alphanumeric
    /// `0`–`9`, `A`–`Z`, `a`–`z`, then spaces that pad it to its width (PME-PMI period names:
    /// `P  `, `HPH`); at least one character before the padding.
    case paddedAlphanumeric = "padded_alphanumeric"
    /// `0`–`9`, `A`–`F` (status registers such as `STGE`).
    case hex
    /// Any printable ASCII, spaces included (names, tariff labels, messages, profiles).
    case text
    /// A number with a decimal comma and an optional sign, `-12,34` (PME-PMI `TGPHI`).
    case decimalComma = "decimal_comma"
    /// `JJ/MM/AA HH:MM:SS` (PME-PMI and ICE dates), checked for valid ranges.
    case date
}

/// How one label's data must look: characters, width, and for PME-PMI a unit glued to the value.
///
/// Data with a unit is `<digits>[T]<unit>`, e.g. `1234kWh`, `120kW`, `0TkW` (`T`: truncated).
public struct TICFieldFormat: Codable, Sendable, Hashable {
    /// The characters of the data (of the number, when a unit follows).
    public var characters: TICCharacters
    /// The least number of characters (of the number, when a unit follows).
    public var minWidth: Int
    /// The most number of characters (of the number, when a unit follows).
    public var maxWidth: Int
    /// The unit suffixes the value may carry; empty when no unit is transmitted (Linky).
    public var units: [String]

    /// A fixed width of `width` characters (`0`: the data is empty).
    public init(_ characters: TICCharacters, width: Int, units: [String] = []) {
        self.init(characters, width: width...width, units: units)
    }

    /// A width between the range's bounds.
    public init(_ characters: TICCharacters, width: ClosedRange<Int>, units: [String] = []) {
        self.characters = characters
        self.minWidth = width.lowerBound
        self.maxWidth = width.upperBound
        self.units = units
    }

    /// Whether `data` has this format.
    public func accepts(_ data: String) -> Bool {
        parse(utf8: data.utf8) != nil
    }

    /// How many leading bytes of `data` are its number, and its unit as an index in ``units`` (nil
    /// when the format has none); nil when `data` does not have this format. Works on bytes: it
    /// runs for every group.
    func parse<Bytes: BidirectionalCollection<UInt8>>(utf8 data: Bytes) -> (valueCount: Int, unit: Int?)? {
        guard !units.isEmpty else {  // the common case
            return (minWidth...maxWidth).contains(data.count) && Self.matches(characters, data) ? (data.count, nil) : nil
        }
        // The longest unit the data ends with.
        var best: Int?
        for (index, candidate) in units.enumerated()
        where data.count > candidate.utf8.count && (best.map { units[$0].utf8.count } ?? 0) < candidate.utf8.count {
            if data.suffix(candidate.utf8.count).elementsEqual(candidate.utf8) { best = index }
        }
        guard let best else { return nil }
        var value = data.dropLast(units[best].utf8.count)
        if value.last == UInt8(ascii: "T") { value = value.dropLast() }  // truncated power, `0TkW`
        guard (minWidth...maxWidth).contains(value.count), Self.matches(characters, value) else { return nil }
        return (value.count, best)
    }

    private static func matches<Bytes: Collection<UInt8>>(_ characters: TICCharacters, _ value: Bytes) -> Bool {
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

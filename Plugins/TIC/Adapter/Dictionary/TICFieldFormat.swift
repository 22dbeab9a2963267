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
        var suffixes = TICUnitSuffixes()
        let parser = TICFieldParser(self, suffixes: &suffixes)
        var data = data
        return data.withUTF8 { utf8 in suffixes.withView { parser.parse(utf8: UnsafeRawBufferPointer(utf8)[...], suffixes: $0) } } != nil
    }
}

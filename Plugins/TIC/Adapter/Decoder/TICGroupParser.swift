/// Splits and checks the bytes of one group (between LF and CR) by the rule that works in every
/// mode: label = bytes up to the first separator; checksum = last byte; the byte before it is the
/// separator; everything between is data (standard mode: `horodate HT data` when there is one
/// more HT). tic.md §2.
enum TICGroupParser {
    static func parse(_ bytes: [UInt8], mode: TICChecksumMode) -> Result<TICGroup, TICRejectedGroup.Reason> {
        let separator = mode.separator
        // One pass: characters, the first separator (end of the label) and the checksum's sum.
        var labelEnd: Int?
        var sum = 0
        for (index, byte) in bytes.enumerated() {
            guard (0x20...0x7E).contains(byte) || byte == separator else { return .failure(.invalidCharacter) }
            if labelEnd == nil, byte == separator { labelEnd = index }
            sum &+= Int(byte)
        }
        // At least `label SEP checksum`. Labels have 1 to 8 characters by the specifications, but
        // three-phase Linky meters send 9 (`SMAXSN1-1`): up to 16 are accepted.
        guard bytes.count >= 3, bytes[bytes.count - 2] == separator, let labelEnd, (1...16).contains(labelEnd)
        else { return .failure(.malformed) }
        let checksum = bytes[bytes.count - 1]
        // The zone ends before `SEP checksum` (mode 1) or includes that separator (standard, mode 2).
        sum -= Int(checksum)
        if mode != .standard, mode != .historicMode2 { sum -= Int(separator) }
        guard UInt8(truncatingIfNeeded: sum & 0x3F) + 0x20 == checksum else { return .failure(.checksum) }
        let label = String(decoding: bytes[..<labelEnd], as: UTF8.self)
        var data = bytes[min(labelEnd + 1, bytes.count - 2)..<(bytes.count - 2)]
        var horodate: String?
        if mode == .standard, let split = data.firstIndex(of: separator) {
            horodate = String(decoding: data[..<split], as: UTF8.self)
            data = data[(split + 1)...]
        }
        return .success(TICGroup(label: label, horodate: horodate, data: String(decoding: data, as: UTF8.self)))
    }
}

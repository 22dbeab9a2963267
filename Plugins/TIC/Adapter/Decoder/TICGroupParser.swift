/// Splits and checks the bytes of one group (between LF and CR) by the rule that works in every
/// mode: label = bytes up to the first separator; checksum = last byte; the byte before it is the
/// separator; everything between is data (standard mode: `horodate HT data` when there is one
/// more HT). tic.md §2.
enum TICGroupParser {
    /// Parses `buffer[range]`, where a group's bytes are.
    static func parse(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>, mode: TICChecksumMode) -> Result<TICGroupSpan, TICRejectedGroup.Reason> {
        let separator = mode.separator
        let end = range.upperBound
        // The label ends at the first separator.
        var labelEnd = range.lowerBound
        while labelEnd < end, buffer[labelEnd] != separator { labelEnd += 1 }
        // Characters, the checksum's sum and what text formats escape (`"`, `\`, separators that
        // are HT), in one pass with no branch per byte over all but the checksum character. The
        // sum wraps in a byte: only its low 6 bits count (bytes, not integers, make wider vector
        // steps); so does the count of separators (at most 255 bytes are counted).
        var sum: UInt8 = 0
        var invalid: UInt8 = 0
        var escaped: UInt8 = 0
        var separators: UInt8 = 0
        let last = max(range.lowerBound, end - 1)
        for index in range.lowerBound..<last {
            let byte = buffer[index]
            sum &+= byte
            invalid |= (byte &- 0x20 > 0x5E ? 1 : 0) & (byte != separator ? 1 : 0)
            escaped |= (byte == UInt8(ascii: "\"") ? 1 : 0) | (byte == UInt8(ascii: "\\") ? 1 : 0)
            separators &+= byte == separator ? 1 : 0
        }
        if last < end { invalid |= (buffer[last] &- 0x20 > 0x5E ? 1 : 0) & (buffer[last] != separator ? 1 : 0) }
        guard invalid == 0 else { return .failure(.invalidCharacter) }
        // At least `label SEP checksum`. Labels have 1 to 8 characters by the specifications, but
        // three-phase Linky meters send 9 (`SMAXSN1-1`): up to 16 are accepted.
        guard range.count >= 3, buffer[end - 2] == separator, labelEnd < end, (1...16).contains(labelEnd - range.lowerBound)
        else { return .failure(.malformed) }
        let checksum = buffer[end - 1]
        // The zone ends before `SEP checksum` (mode 1) or includes that separator (standard, mode 2).
        if mode != .standard, mode != .historicMode2 { sum &-= separator }
        guard sum & 0x3F + 0x20 == checksum else { return .failure(.checksum) }
        var dataStart = min(labelEnd + 1, end - 2)
        var horodateCount: Int?
        if mode == .standard, let split = (dataStart..<(end - 2)).first(where: { buffer[$0] == separator }) {
            horodateCount = split - dataStart
            dataStart = split + 1
        }
        // The data hold an HT when the group has more than its two or three.
        let dataHoldHT = separator == 0x09 && Int(separators) > (horodateCount == nil ? 2 : 3)
        return .success(TICGroupSpan(
            start: range.lowerBound, count: range.count, labelCount: labelEnd - range.lowerBound,
            horodateCount: horodateCount, dataCount: end - 2 - dataStart, isVerbatim: escaped == 0 && !dataHoldHT
        ))
    }
}

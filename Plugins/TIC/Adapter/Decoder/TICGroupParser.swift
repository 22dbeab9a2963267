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
        // Characters and the checksum's sum, in one pass with no branch per byte. The sum wraps
        // in a byte: only its low 6 bits count (bytes, not integers, make wider vector steps).
        var sum: UInt8 = 0
        var invalid: UInt8 = 0
        for index in range {
            let byte = buffer[index]
            sum &+= byte
            invalid |= (byte &- 0x20 > 0x5E ? 1 : 0) & (byte != separator ? 1 : 0)
        }
        guard invalid == 0 else { return .failure(.invalidCharacter) }
        // At least `label SEP checksum`. Labels have 1 to 8 characters by the specifications, but
        // three-phase Linky meters send 9 (`SMAXSN1-1`): up to 16 are accepted.
        guard range.count >= 3, buffer[end - 2] == separator, labelEnd < end, (1...16).contains(labelEnd - range.lowerBound)
        else { return .failure(.malformed) }
        let checksum = buffer[end - 1]
        // The zone ends before `SEP checksum` (mode 1) or includes that separator (standard, mode 2).
        sum &-= checksum
        if mode != .standard, mode != .historicMode2 { sum &-= separator }
        guard sum & 0x3F + 0x20 == checksum else { return .failure(.checksum) }
        var dataStart = min(labelEnd + 1, end - 2)
        var horodateCount: Int?
        if mode == .standard, let split = (dataStart..<(end - 2)).first(where: { buffer[$0] == separator }) {
            horodateCount = split - dataStart
            dataStart = split + 1
        }
        // What text formats escape: `"` or `\` anywhere, an HT in the data (standard mode).
        let isVerbatim = !holds(UInt8(ascii: "\""), or: UInt8(ascii: "\\"), in: buffer, range.lowerBound..<(end - 2))
            && !(separator == 0x09 && holds(0x09, or: 0x09, in: buffer, dataStart..<(end - 2)))
        return .success(TICGroupSpan(
            start: range.lowerBound, count: range.count, labelCount: labelEnd - range.lowerBound,
            horodateCount: horodateCount, dataCount: end - 2 - dataStart, isVerbatim: isVerbatim
        ))
    }

    /// Whether `buffer[range]` holds `first` or `second`: eight bytes at a time (the last ones
    /// as one word, the bytes past the range read as `A`, when the buffer has 8 bytes from there).
    private static func holds(_ first: UInt8, or second: UInt8, in buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func found(_ word: UInt64) -> Bool {  // a zero byte once xored: exact on whether one exists
            let first = word ^ (ones &* UInt64(first)), second = word ^ (ones &* UInt64(second))
            return ((first &- ones) & ~first | (second &- ones) & ~second) & highs != 0
        }
        var index = range.lowerBound
        while range.upperBound - index >= 8 {
            if found(buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { return true }
            index += 8
        }
        let rest = range.upperBound - index
        if rest > 0, buffer.count - index >= 8 {
            let kept: UInt64 = (1 << (UInt64(rest) * 8)) - 1
            return found(buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self) & kept | 0x4141_4141_4141_4141 & ~kept)
        }
        return buffer[index..<range.upperBound].contains { $0 == first || $0 == second }
    }
}

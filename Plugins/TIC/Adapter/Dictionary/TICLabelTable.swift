/// A family's label index on bytes: label → position in the family's entries.
///
/// Runs for every group, so it avoids `String` hashing: a label of up to 16 bytes is packed into
/// two integers, hashed by multiplication and found by linear probing in a small power-of-two
/// table. Labels are looked up as transmitted, then folded by the family's tolerance rules.
struct TICLabelTable: Sendable {
    /// Up to 16 label bytes, packed little-endian; never zero for a non-empty label.
    struct Key: Hashable, Sendable {
        var low: UInt64 = 0
        var high: UInt64 = 0

        /// The empty key: a free slot.
        init() {}

        /// The key of `label`, folded by `folding` if any; nil when longer than 16 bytes.
        init?<Bytes: Sequence<UInt8>>(utf8 label: Bytes, folding: Folding? = nil) {
            var count = 0
            for byte in label {
                guard count < 16 else { return nil }
                let shifted = UInt64(folding?.fold(byte) ?? byte) << (UInt64(count & 7) * 8)
                if count < 8 { low |= shifted } else { high |= shifted }
                count += 1
            }
        }

        /// The key of the label `label` spells in its buffer, as transmitted: two masked 8-byte
        /// reads when the buffer holds 16 bytes from the label's start, else byte by byte; nil
        /// when longer than 16 bytes.
        @inline(__always)
        init?(label: Slice<UnsafeRawBufferPointer>) {
            let count = label.count, start = label.startIndex
            guard count <= 16 else { return nil }
            guard label.base.count - start >= 16 else {
                self.init(utf8: label)
                return
            }
            let low = UInt64(littleEndian: label.base.loadUnaligned(fromByteOffset: start, as: UInt64.self))
            let high = UInt64(littleEndian: label.base.loadUnaligned(fromByteOffset: start + 8, as: UInt64.self))
            // The bytes of the first `count`, little-endian: a mask of `count` bytes per word.
            self.init()
            self.low = count >= 8 ? low : low & ((1 << (UInt64(count) * 8)) &- 1)
            self.high = count >= 16 ? high : count <= 8 ? 0 : high & ((1 << (UInt64(count - 8) * 8)) &- 1)
        }

        var isEmpty: Bool { low == 0 && high == 0 }

        func bucket(shift: UInt64) -> Int {
            Int(truncatingIfNeeded: (low &* 0x9E37_79B9_7F4A_7C15 ^ high &* 0xC2B2_AE3D_27D4_EB4F) >> shift)
        }
    }

    /// A family's tolerance rules for labels.
    struct Folding: Sendable {
        /// ASCII lower case read as upper case.
        var upperCase: Bool
        /// `_` read as `-`.
        var dashForUnderscore: Bool

        func fold(_ byte: UInt8) -> UInt8 {
            if upperCase, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) { return byte - 0x20 }
            if dashForUnderscore, byte == UInt8(ascii: "_") { return UInt8(ascii: "-") }
            return byte
        }
    }

    /// Which index this is: positions found in one are positions in the entries it indexed.
    final class Identity: Sendable {}

    let identity = Identity()
    private var keys: [Key]
    private var positions: [Int]
    private let shift: UInt64
    private let folding: Folding?

    /// Indexes `names` (the first of equal keys wins), as spelled and folded by `folding`.
    init(_ names: [String], folding: Folding) {
        var bits: UInt64 = 4
        while 1 << bits < names.count * 4 { bits += 1 }  // at most a quarter full: short probes
        keys = Array(repeating: Key(), count: 1 << bits)
        positions = Array(repeating: 0, count: 1 << bits)
        shift = 64 - bits
        self.folding = folding.upperCase || folding.dashForUnderscore ? folding : nil
        for (position, name) in names.enumerated() {
            if let folding = self.folding, let key = Key(utf8: name.utf8, folding: folding) { insert(key, position) }
            if let key = Key(utf8: name.utf8) { insert(key, position) }
        }
    }

    /// The position of `label`'s entry, if the family knows it.
    func position<Bytes: Sequence<UInt8>>(of label: Bytes) -> Int? {
        guard let exact = Key(utf8: label) else { return nil }
        if let position = position(of: exact) { return position }
        guard let folding, let folded = Key(utf8: label, folding: folding), folded != exact else { return nil }
        return position(of: folded)
    }

    /// The position of the entry of the label `label` spells in its buffer, if the family knows
    /// it (the reader's path: the key read as two words).
    func position(of label: Slice<UnsafeRawBufferPointer>) -> Int? {
        guard let exact = Key(label: label) else { return nil }
        if let position = position(of: exact) { return position }
        guard let folding, let folded = Key(utf8: label, folding: folding), folded != exact else { return nil }
        return position(of: folded)
    }

    private func position(of key: Key) -> Int? {
        var bucket = key.bucket(shift: shift)
        while !keys[bucket].isEmpty {
            if keys[bucket] == key { return positions[bucket] }
            bucket = (bucket + 1) & (keys.count - 1)
        }
        return nil
    }

    private mutating func insert(_ key: Key, _ position: Int) {
        var bucket = key.bucket(shift: shift)
        while !keys[bucket].isEmpty {
            if keys[bucket] == key { return }
            bucket = (bucket + 1) & (keys.count - 1)
        }
        keys[bucket] = key
        positions[bucket] = position
    }
}

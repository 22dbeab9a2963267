/// One `raw` member of a measurement: `label` (with `.horodate` after it when `isHorodate`) →
/// `value`, as bytes of the frame.
struct TICRawEntry {
    var label: Slice<UnsafeRawBufferPointer>
    var isHorodate: Bool
    var value: Slice<UnsafeRawBufferPointer>
    /// Whether neither holds a byte that JSON escapes.
    var isVerbatim: Bool
}

/// The order a measurement's `raw` members are written in: sorted by key (bytewise, as Swift
/// orders ASCII strings), each key once, with its last entry (as in a map).
///
/// A meter sends the same labels in the same order frame after frame, so the order is worked out
/// again only when the keys differ from those of the last entries sorted (found by comparing
/// each label as two words, which costs far less than sorting).
struct TICRawKeyOrder {
    /// The keys of the last entries sorted, in their order.
    private var keys: [Key] = []
    /// The positions among the entries of those to write, in key order.
    private(set) var positions: [Int] = []

    /// A label of up to 16 bytes as two words, its length, and whether the key is its horodate's.
    private struct Key: Equatable {
        var label: TICLabelTable.Key
        var count: Int
        var isHorodate: Bool

        /// The key of `entry`; nil for a label longer than 16 bytes (its entries are sorted every time).
        init?(_ entry: TICRawEntry) {
            guard let label = TICLabelTable.Key(label: entry.label) else { return nil }
            self.label = label
            count = entry.label.count
            isHorodate = entry.isHorodate
        }
    }

    private static let horodateSuffix = Array(".horodate".utf8)

    /// Makes ``positions`` those of `entries`.
    mutating func sort(_ entries: [TICRawEntry]) {
        guard !hasKeys(of: entries) else { return }
        keys.removeAll(keepingCapacity: true)
        for entry in entries {
            guard let key = Key(entry) else {
                keys.removeAll(keepingCapacity: true)
                break
            }
            keys.append(key)
        }
        let keyBytes = entries.map { Array($0.label) + ($0.isHorodate ? Self.horodateSuffix : []) }
        let sorted = entries.indices.sorted { keyBytes[$0] != keyBytes[$1] ? keyBytes[$0].lexicographicallyPrecedes(keyBytes[$1]) : $0 < $1 }
        positions = sorted.indices.filter { $0 + 1 == sorted.count || keyBytes[sorted[$0]] != keyBytes[sorted[$0 + 1]] }.map { sorted[$0] }
    }

    /// Whether `entries` have the keys of the last entries sorted, in the same order.
    private func hasKeys(of entries: [TICRawEntry]) -> Bool {
        guard entries.count == keys.count, !keys.isEmpty else { return false }
        for index in 0..<entries.count where Key(entries[index]) != keys[index] { return false }
        return true
    }
}

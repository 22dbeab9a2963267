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
/// their bytes, which costs far less than sorting).
struct TICRawKeyOrder {
    /// The keys of the last entries sorted, in their order: where the label ends in ``labels``,
    /// and whether the key is the label's horodate.
    private var keys: [Key] = []
    /// The labels of those keys, one after the other.
    private var labels: [UInt8] = []
    /// The positions among the entries of those to write, in key order.
    private(set) var positions: [Int] = []

    private struct Key {
        var labelEnd: Int
        var isHorodate: Bool
    }

    private static let horodateSuffix = Array(".horodate".utf8)

    /// Makes ``positions`` those of `entries`.
    mutating func sort(_ entries: [TICRawEntry]) {
        guard !hasKeys(of: entries) else { return }
        keys.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        for entry in entries {
            labels.append(contentsOf: entry.label)
            keys.append(Key(labelEnd: labels.count, isHorodate: entry.isHorodate))
        }
        let keyBytes = entries.map { Array($0.label) + ($0.isHorodate ? Self.horodateSuffix : []) }
        let sorted = entries.indices.sorted { keyBytes[$0] != keyBytes[$1] ? keyBytes[$0].lexicographicallyPrecedes(keyBytes[$1]) : $0 < $1 }
        positions = sorted.indices.filter { $0 + 1 == sorted.count || keyBytes[sorted[$0]] != keyBytes[sorted[$0 + 1]] }.map { sorted[$0] }
    }

    /// Whether `entries` have the keys of the last entries sorted, in the same order.
    private func hasKeys(of entries: [TICRawEntry]) -> Bool {
        guard entries.count == keys.count else { return false }
        return labels.withUnsafeBytes { labels in
            var labelStart = 0
            for index in 0..<entries.count {
                let entry = entries[index], key = keys[index]
                guard entry.isHorodate == key.isHorodate, entry.label.count == key.labelEnd - labelStart else { return false }
                for offset in 0..<entry.label.count where entry.label[entry.label.startIndex + offset] != labels[labelStart + offset] {
                    return false
                }
                labelStart = key.labelEnd
            }
            return true
        }
    }
}

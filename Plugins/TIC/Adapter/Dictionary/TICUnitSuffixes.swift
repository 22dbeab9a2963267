/// The unit suffixes of a set of formats (a family's, a normalizer's), their bytes laid out once
/// in one array: each ``TICFieldParser`` holds only where its own are, so that it holds no array
/// and copying it (on the hot path, per group) retains nothing.
struct TICUnitSuffixes: Sendable {
    /// The suffixes' bytes, one after the other.
    private var bytes: [UInt8] = []
    /// Where each suffix ends in ``bytes``.
    private var ends: [Int] = []

    /// Adds `units`; returns their positions among the suffixes, in order.
    mutating func append(_ units: [String]) -> Range<Int> {
        let start = ends.count
        for unit in units {
            bytes += unit.utf8
            ends.append(bytes.count)
        }
        return start..<ends.count
    }

    /// Calls `body` with the suffixes in place.
    func withView<Result>(_ body: (View) throws -> Result) rethrows -> Result {
        try bytes.withUnsafeBytes { bytes in try ends.withUnsafeBufferPointer { ends in try body(View(bytes: bytes, ends: ends)) } }
    }

    /// The suffixes, read in place (valid during ``withView(_:)``).
    struct View {
        fileprivate let bytes: UnsafeRawBufferPointer
        fileprivate let ends: UnsafeBufferPointer<Int>

        /// The bytes of the suffix at `position`.
        subscript(position: Int) -> UnsafeRawBufferPointer {
            let start = position == 0 ? 0 : ends[position - 1]
            return UnsafeRawBufferPointer(rebasing: bytes[start..<ends[position]])
        }
    }
}

/// Receives what a ``TICReader`` produces, in order, with each valid group as bytes of the
/// reader's buffer rather than strings: a consumer that writes the groups out (`tic-decode`)
/// makes no string per group.
package protocol TICReaderSink {
    /// A group that passed every check, as its parts' bytes: valid during the call only.
    /// `isVerbatim`: no part holds a byte that text formats escape (``TICGroupSpan/isVerbatim``).
    mutating func group(
        label: Slice<UnsafeRawBufferPointer>, horodate: Slice<UnsafeRawBufferPointer>?, data: Slice<UnsafeRawBufferPointer>, isVerbatim: Bool
    )
    /// Any other output, in its place among the groups (never ``TICReader/Output/group(_:)``).
    mutating func receive(_ output: TICReader.Output)
}

/// The outputs as a list, groups as strings: what ``TICReader``'s `feed(_:into:)` appends to.
extension Array: TICReaderSink where Element == TICReader.Output {
    package mutating func group(
        label: Slice<UnsafeRawBufferPointer>, horodate: Slice<UnsafeRawBufferPointer>?, data: Slice<UnsafeRawBufferPointer>, isVerbatim: Bool
    ) {
        append(.group(TICGroup(label: label, horodate: horodate, data: data)))
    }

    package mutating func receive(_ output: TICReader.Output) {
        append(output)
    }
}

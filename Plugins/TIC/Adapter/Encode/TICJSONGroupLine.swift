extension TICJSONBuffer {
    /// Appends the line `tic-decode` prints for a valid group:
    /// `{"data":…,"horodate":…,"label":…,"type":"group"}` and a newline, keys sorted as in the
    /// JSON form of events; the horodate only when the group has one. Strings are escaped unless
    /// `isVerbatim` (``TICGroupSpan/isVerbatim``).
    ///
    /// Written here, beside the writer it calls, so that the writer's small steps inline into
    /// one piece of code per line: a group is a few bytes, and called across modules each step
    /// cost more than the bytes it wrote.
    package mutating func appendGroupLine(
        label: Slice<UnsafeRawBufferPointer>, horodate: Slice<UnsafeRawBufferPointer>?, data: Slice<UnsafeRawBufferPointer>, isVerbatim: Bool
    ) {
        // Lengths from the indices, not `count`: a call through the generic distance per slice.
        let labelCount = label.endIndex - label.startIndex, dataCount = data.endIndex - data.startIndex
        let horodateCount = horodate.map { $0.endIndex - $0.startIndex } ?? 0
        let maximumCount = 64 + TICJSONWriter.maximumQuotedCount(labelCount) + TICJSONWriter.maximumQuotedCount(dataCount)
            + TICJSONWriter.maximumQuotedCount(horodateCount)
        write(atMost: maximumCount) { line in
            line.append("{\"data\":")
            line.appendQuoted(data, verbatim: isVerbatim)
            if let horodate {
                line.append(",\"horodate\":")
                line.appendQuoted(horodate, verbatim: isVerbatim)
            }
            line.append(",\"label\":")
            line.appendQuoted(label, verbatim: isVerbatim)
            line.append(",\"type\":\"group\"}\n")
        }
    }
}

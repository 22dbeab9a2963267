/// Where one checked group lies in a byte buffer: its received bytes `label SEP [horodate SEP]
/// data SEP checksum`, and the parts within them.
///
/// The hot path works on spans: groups become strings (``TICGroup``) only when asked for.
struct TICGroupSpan: Sendable, Hashable {
    /// The group's first byte (its label's) in the buffer.
    var start: Int
    /// The group's length, from its label to its checksum character.
    var count: Int
    /// The label's length.
    var labelCount: Int
    /// The horodate's length when the group has one (standard mode).
    var horodateCount: Int?
    /// The data's length; the data end just before `SEP checksum`.
    var dataCount: Int
    /// Whether the label, horodate and data hold no byte that text formats escape (`"`, `\`, a
    /// control byte such as HT): they can be written out as they are.
    var isVerbatim: Bool
    /// The position of the label's entry in the dictionary of the family that checked the group
    /// (``TICFrame/labelIndex``); nil when that family does not know the label, or none checked it.
    var labelPosition: Int?
    /// How that family's entry read the data: the length of its number and the index of its unit
    /// among the format's (nil: none); nil when no family checked the group against a known label.
    var checkedValue: TICFieldParser.Reading?

    var label: Range<Int> { start..<(start + labelCount) }
    var horodate: Range<Int>? { horodateCount.map { (start + labelCount + 1)..<(start + labelCount + 1 + $0) } }
    var data: Range<Int> { (start + count - 2 - dataCount)..<(start + count - 2) }
    var whole: Range<Int> { start..<(start + count) }

    /// The same span in a buffer where the group begins at `start`.
    func moved(to start: Int) -> Self {
        var moved = self
        moved.start = start
        return moved
    }

    /// Whether `byte` is one that text formats escape (JSON: `"`, `\`, control bytes).
    static func isEscaped(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// The group as strings, from the buffer the span describes.
    func group(in buffer: UnsafeRawBufferPointer) -> TICGroup {
        TICGroup(label: buffer[label], horodate: horodate.map { buffer[$0] }, data: buffer[data])
    }
}

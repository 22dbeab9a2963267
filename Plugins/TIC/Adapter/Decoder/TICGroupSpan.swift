/// Where one checked group lies in a byte buffer: its received bytes `label SEP [horodate SEP]
/// data SEP checksum`, and the parts within them.
///
/// The hot path works on spans: groups become strings (``TICGroup``) only when asked for.
struct TICGroupSpan: Sendable, Hashable {
    // Stored compactly (37 bytes instead of 90): the decoder makes, checks and copies a span per
    // group, and a group is at most ``TICDecoder/maximumGroupLength`` bytes. Absent values are
    // stored as -1; the properties below read and write them as optionals.
    private var storedStart: Int
    private var storedCount: UInt32
    private var storedLabelCount: UInt32
    private var storedDataCount: UInt32
    private var storedHorodateCount: Int32
    private var storedLabelPosition: Int32
    private var storedCheckedCount: Int32
    private var storedCheckedUnit: Int32
    /// Whether the label, horodate and data hold no byte that text formats escape (`"`, `\`, a
    /// control byte such as HT): they can be written out as they are.
    var isVerbatim: Bool

    /// A span of a group of `count` bytes at `start`, not yet checked against a family.
    init(start: Int, count: Int, labelCount: Int, horodateCount: Int?, dataCount: Int, isVerbatim: Bool) {
        storedStart = start
        storedCount = UInt32(count)
        storedLabelCount = UInt32(labelCount)
        storedDataCount = UInt32(dataCount)
        storedHorodateCount = horodateCount.map(Int32.init) ?? -1
        storedLabelPosition = -1
        storedCheckedCount = -1
        storedCheckedUnit = -1
        self.isVerbatim = isVerbatim
    }

    /// The group's first byte (its label's) in the buffer.
    var start: Int {
        get { storedStart }
        set { storedStart = newValue }
    }
    /// The group's length, from its label to its checksum character.
    var count: Int { Int(storedCount) }
    /// The label's length.
    var labelCount: Int { Int(storedLabelCount) }
    /// The horodate's length when the group has one (standard mode).
    var horodateCount: Int? { storedHorodateCount < 0 ? nil : Int(storedHorodateCount) }
    /// The data's length; the data end just before `SEP checksum`.
    var dataCount: Int { Int(storedDataCount) }
    /// The position of the label's entry in the dictionary of the family that checked the group
    /// (``TICFrame/labelIndex``); nil when that family does not know the label, or none checked it.
    var labelPosition: Int? {
        get { storedLabelPosition < 0 ? nil : Int(storedLabelPosition) }
        set { storedLabelPosition = newValue.map(Int32.init) ?? -1 }
    }
    /// How that family's entry read the data: the length of its number and the index of its unit
    /// among the format's (nil: none); nil when no family checked the group against a known label.
    var checkedValue: TICFieldParser.Reading? {
        get {
            storedCheckedCount < 0 ? nil
                : TICFieldParser.Reading(count: Int(storedCheckedCount), unit: storedCheckedUnit < 0 ? nil : Int(storedCheckedUnit))
        }
        set {
            storedCheckedCount = newValue.map { Int32($0.count) } ?? -1
            storedCheckedUnit = newValue?.unit.map(Int32.init) ?? -1
        }
    }

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

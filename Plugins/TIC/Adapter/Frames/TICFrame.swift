/// The groups of one frame, in order: those that passed every check, and those refused.
///
/// Valid groups are kept as their received bytes; ``groups`` makes strings of them on demand
/// (decoding a stream needs none).
public struct TICFrame: Sendable {
    /// The received bytes of the valid groups, one after the other.
    private var bytes: [UInt8] = []
    /// Where each valid group is in ``bytes``.
    private var spans: [TICGroupSpan] = []
    /// Refused groups (never published as values).
    public var rejected: [TICRejectedGroup] = []
    /// The family label index whose positions the valid groups carry (``TICGroupSpan/labelPosition``),
    /// if they were all checked against one: the normalizer of that family need not look them up.
    private(set) var labelIndex: TICLabelTable.Identity?

    /// A frame of `groups` and `rejected` groups.
    public init(groups: [TICGroup] = [], rejected: [TICRejectedGroup] = []) {
        for group in groups {
            let received = group.encoded(mode: .standard).dropFirst().dropLast()  // without LF and CR
            let isVerbatim = [group.label, group.horodate ?? "", group.data].allSatisfy { !$0.utf8.contains(where: TICGroupSpan.isEscaped) }
            spans.append(TICGroupSpan(
                start: bytes.count, count: received.count, labelCount: group.label.utf8.count,
                horodateCount: group.horodate?.utf8.count, dataCount: group.data.utf8.count, isVerbatim: isVerbatim
            ))
            bytes += received
        }
        self.rejected = rejected
    }

    /// A frame that will hold about `groups` groups of `bytes` bytes in all, checked against the
    /// family label index `labelIndex` if given.
    init(reservingGroups groups: Int, bytes: Int, labelIndex: TICLabelTable.Identity? = nil) {
        self.labelIndex = labelIndex
        spans.reserveCapacity(groups)
        self.bytes.reserveCapacity(bytes)
    }

    /// Empties the frame for the next one, checked against `labelIndex`: its storage is kept when
    /// no copy of the frame is left (the reader reuses a frame once its sink is done with it).
    mutating func removeAll(labelIndex: TICLabelTable.Identity?) {
        self.labelIndex = labelIndex
        bytes.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
        rejected.removeAll()
    }

    /// Valid groups.
    public var groups: [TICGroup] {
        bytes.withUnsafeBytes { buffer in spans.map { $0.group(in: buffer) } }
    }

    /// How many valid groups the frame has.
    public var groupCount: Int { spans.count }

    /// How many bytes the valid groups take.
    var byteCount: Int { bytes.count }

    /// Calls `body` with the frame's bytes and where each valid group is in them, in order (the
    /// normalizer's path: no strings unless it makes them).
    func withGroupSpans<Result>(_ body: (UnsafeRawBufferPointer, [TICGroupSpan]) throws -> Result) rethrows -> Result {
        try bytes.withUnsafeBytes { try body($0, spans) }
    }

    /// Whether some group of the frame was refused.
    public var isDegraded: Bool { !rejected.isEmpty }

    /// The data of the first valid group with `label`, if any.
    public func data(_ label: String) -> String? {
        groups.first { $0.label == label }?.data
    }

    /// Appends the valid group `span` describes in `buffer`. Inlined where the decoder checked
    /// the span: the span's fields go to the array from registers, not through a copy of it
    /// just written.
    @inline(__always)
    mutating func append(_ span: TICGroupSpan, of buffer: UnsafeRawBufferPointer) {
        spans.append(span.moved(to: bytes.count))
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[span.whole]))
    }

    /// Moves the valid groups that `isRefused` refuses to the rejected groups, with `reason`.
    mutating func refuse(
        _ reason: TICRejectedGroup.Reason,
        where isRefused: (TICGroupSpan, UnsafeRawBufferPointer) -> Bool
    ) {
        var kept = TICFrame(reservingGroups: spans.count, bytes: bytes.count, labelIndex: labelIndex)
        kept.rejected = rejected
        bytes.withUnsafeBytes { buffer in
            for span in spans {
                if isRefused(span, buffer) {
                    kept.rejected.append(TICRejectedGroup(reason: reason, bytes: Array(buffer[span.whole])))
                } else {
                    kept.append(span, of: buffer)
                }
            }
        }
        self = kept
    }
}

extension TICFrame: Hashable {
    /// Frames are equal when their valid groups (as strings) and their rejected groups are.
    public static func == (lhs: TICFrame, rhs: TICFrame) -> Bool {
        lhs.groups == rhs.groups && lhs.rejected == rhs.rejected
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(groups)
        hasher.combine(rejected)
    }
}

/// Reads a TIC byte stream into checked groups and frames, for one meter family or detecting it.
///
/// Wraps ``TICDecoder`` (framing, checksum) with the family's label dictionary (widths,
/// characters, horodates) and frame assembly. In detection mode it decodes the stream with every
/// candidate separator and checksum at once, identifies the family from the first identifying
/// label (`ADCO`, `ADSC`, `MESURES1`…), emits from then on, and locks on that decoding after
/// `lockAfter` complete frames, dropping the other candidates (tic.md R6).
public struct TICReader: Sendable {
    /// What the bytes fed so far produced, in order.
    public enum Output: Sendable, Hashable {
        /// A group that passed every check.
        case group(TICGroup)
        /// A group refused, with its reason.
        case rejected(TICRejectedGroup)
        /// A frame from STX to ETX.
        case frame(TICFrame)
        /// A frame cut by EOT, a new STX or garbage (never published as a measurement).
        case interrupted(TICFrame)
        /// Detection settled on a family and checksum.
        case locked(family: String, checksum: TICChecksumMode)
    }

    private struct Candidate: Sendable {
        var decoder: TICDecoder
        var family: TICFamily?
        var frame: TICFrame?
        var completeFrames = 0
        /// The size of the last complete frame: what the next one reserves.
        var groupsPerFrame = 16
    }

    private let families: [TICFamily]
    private let lockAfter: Int
    /// Whether each valid group is also reported as a ``Output/group(_:)`` (frames hold them anyway).
    private var reportsGroups = true
    private var candidates: [Candidate]
    private var scratch: [TICDecoder.Output] = []
    /// Whether the family and checksum are settled (always, for a fixed family).
    public private(set) var isLocked: Bool
    /// Groups whose checksum held, under any candidate decoding: tells the right line speed.
    public private(set) var checkedGroups = 0

    /// Reads a stream of `family`, with its checksum or `checksum` (e.g. historic mode 2).
    /// `reportsGroups: false` leaves valid groups to their frames (what the adapter needs; faster).
    public init(family: TICFamily, checksum: TICChecksumMode? = nil, reportsGroups: Bool = true) {
        self.reportsGroups = reportsGroups
        families = [family]
        lockAfter = 0
        candidates = [Candidate(decoder: TICDecoder(mode: checksum ?? family.checksum), family: family)]
        isLocked = true
    }

    /// Detects which of `families` the stream is, and locks after `lockAfter` complete frames.
    public init(detecting families: [TICFamily], lockAfter: Int = 3, reportsGroups: Bool = true) {
        self.reportsGroups = reportsGroups
        self.families = families
        self.lockAfter = lockAfter
        candidates = []
        isLocked = false
        candidates = Self.candidateModes(for: families).map { Candidate(decoder: TICDecoder(mode: $0)) }
    }

    /// The family identified (or configured), if any yet.
    public var family: TICFamily? {
        candidates.lazy.compactMap(\.family).first
    }

    /// The checksum mode of the identified family's decoding, if any yet.
    public var checksum: TICChecksumMode? {
        candidates.first { $0.family != nil }?.decoder.mode
    }

    /// Forgets the detected family and detects again (e.g. after the link was lost). No effect
    /// on a reader of a fixed family.
    public mutating func restartDetection() {
        guard lockAfter > 0 else { return }
        self = TICReader(detecting: families, lockAfter: lockAfter, reportsGroups: reportsGroups)
    }

    /// Feeds bytes; appends the outputs they complete.
    @inlinable
    public mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes, into outputs: inout [Output]) {
        if bytes.withContiguousStorageIfAvailable({ feed(UnsafeRawBufferPointer($0), into: &outputs) }) == nil {
            Array(bytes).withUnsafeBytes { feed($0, into: &outputs) }
        }
    }

    /// Feeds the bytes of a buffer; appends the outputs they complete.
    ///
    /// Each candidate decodes the whole buffer at once (the hot loop); the checks and frames
    /// follow. A candidate that locks drops the others, whose outputs would not have been emitted.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, into outputs: inout [Output]) {
        var index = 0
        while index < candidates.count {
            candidates[index].decoder.feed(bytes, into: &scratch)
            if !scratch.isEmpty { process(candidate: index, into: &outputs) }
            index += 1
        }
    }

    /// Feeds one byte, flagged when it arrived with a parity error; appends what it completes.
    public mutating func feed(_ byte: UInt8, parityError: Bool = false, into outputs: inout [Output]) {
        var index = 0
        while index < candidates.count {  // locking during this byte leaves one candidate
            candidates[index].decoder.feed(byte, parityError: parityError, into: &scratch)
            if !scratch.isEmpty { process(candidate: index, into: &outputs) }
            index += 1
        }
    }

    /// Ends the stream: a group still open is truncated, an open frame interrupted.
    public mutating func finish(into outputs: inout [Output]) {
        var index = 0
        while index < candidates.count {
            candidates[index].decoder.finish(into: &scratch)
            process(candidate: index, into: &outputs)
            index += 1
        }
    }

    private mutating func process(candidate index: Int, into outputs: inout [Output]) {
        defer { scratch.removeAll(keepingCapacity: true) }
        var candidate = candidates[index]
        candidates[index].frame = nil  // the frame's arrays stay uniquely referenced: appends do not copy them
        var lockedNow = false
        for output in scratch {
            switch output {
            case .frameStarted:
                candidate.frame = TICFrame()
                candidate.frame?.groups.reserveCapacity(candidate.groupsPerFrame)  // one allocation per frame
            case .group(let group):
                checkedGroups += 1
                if candidate.family == nil, let family = identify(group, checksum: candidate.decoder.mode) {
                    candidate.family = family
                    candidate.frame = candidate.frame.map { Self.check($0, against: family) }
                }
                guard candidate.family != nil else {
                    candidate.frame?.groups.append(group)
                    continue
                }
                if candidate.family?.accepts(group) == false {
                    let rejected = TICRejectedGroup(reason: .invalidField, bytes: group.bytes(separator: candidate.decoder.mode.separator))
                    candidate.frame?.rejected.append(rejected)
                    outputs.append(.rejected(rejected))
                } else {
                    candidate.frame?.groups.append(group)
                    if reportsGroups { outputs.append(.group(group)) }
                }
            case .rejected(let rejected):
                candidate.frame?.rejected.append(rejected)
                if candidate.family != nil { outputs.append(.rejected(rejected)) }
            case .frameEnded:
                guard let frame = candidate.frame, let family = candidate.family else {
                    candidate.frame = nil
                    continue
                }
                outputs.append(.frame(frame))
                candidate.groupsPerFrame = max(16, frame.groups.count)
                candidate.frame = nil
                candidate.completeFrames += 1
                if !isLocked, candidate.completeFrames >= lockAfter {
                    isLocked = true
                    lockedNow = true
                    outputs.append(.locked(family: family.name, checksum: candidate.decoder.mode))
                }
            case .frameInterrupted:
                if let frame = candidate.frame, candidate.family != nil { outputs.append(.interrupted(frame)) }
                candidate.frame = nil
            }
        }
        candidates[index] = candidate
        if lockedNow { candidates = [candidate] }
    }

    private func identify(_ group: TICGroup, checksum: TICChecksumMode) -> TICFamily? {
        families.first { $0.checksum.separator == checksum.separator && $0.isIdentified(by: group.label) }
    }

    /// Moves the groups of `frame` that `family`'s dictionary refuses to its rejected groups.
    private static func check(_ frame: TICFrame, against family: TICFamily) -> TICFrame {
        var checked = TICFrame(rejected: frame.rejected)
        for group in frame.groups {
            if !family.accepts(group) {
                checked.rejected.append(TICRejectedGroup(reason: .invalidField, bytes: group.bytes(separator: family.checksum.separator)))
            } else {
                checked.groups.append(group)
            }
        }
        return checked
    }

    /// One decoding per distinct separator and checksum zone the families need; SP families also
    /// get historic "mode 2".
    private static func candidateModes(for families: [TICFamily]) -> [TICChecksumMode] {
        var modes: [TICChecksumMode] = []
        if families.contains(where: { $0.checksum == .standard }) { modes.append(.standard) }
        if families.contains(where: { $0.checksum.separator == 0x20 }) { modes += [.historic, .historicMode2] }
        return modes
    }
}

extension TICGroup {
    /// The group's bytes between LF and CR without its checksum character (for rejection reports).
    func bytes(separator: UInt8) -> [UInt8] {
        var bytes = Array(label.utf8)
        bytes.append(separator)
        if let horodate {
            bytes += horodate.utf8
            bytes.append(separator)
        }
        bytes += data.utf8
        bytes.append(separator)
        return bytes
    }
}

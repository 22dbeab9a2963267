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

    /// One decoding of the stream, with what it identified and the frame it is assembling.
    fileprivate struct Candidate: Sendable {
        var decoder: TICDecoder
        var family: TICFamily? { didSet { labelIndex = family?.labelIndex } }
        /// The label index of ``family``, kept apart: reading it from the family per frame would
        /// copy the family.
        var labelIndex: TICLabelTable.Identity?
        /// Whether ``family`` is known, asked without reading the family (which would copy it).
        var isIdentified: Bool { labelIndex != nil }
        var frame: TICFrame?
        /// The last frame, once output: its storage serves the next frame when no output holds it.
        var spareFrame: TICFrame?
        var completeFrames = 0
        /// The size of the last complete frame: what the next one reserves.
        var groupsPerFrame = 16
        var bytesPerFrame = 256

        init(decoder: TICDecoder, family: TICFamily? = nil) {
            self.decoder = decoder
            self.family = family
            labelIndex = family?.labelIndex
        }
    }

    /// What the reader's candidates share while one of them turns its events into outputs.
    fileprivate struct Progress {
        let families: [TICFamily]
        let reportsGroups: Bool
        let lockAfter: Int
        var isLocked: Bool
        var checkedGroups: Int
        var acceptedGroups: Int
        /// Set when the candidate being processed settled detection.
        var lockedNow = false
    }

    private let families: [TICFamily]
    private let lockAfter: Int
    /// Whether each valid group is also reported as a ``Output/group(_:)`` (frames hold them anyway).
    private var reportsGroups = true
    private var candidates: [Candidate]
    /// Whether the family and checksum are settled (always, for a fixed family).
    public private(set) var isLocked: Bool
    /// Groups whose checksum held, under any candidate decoding: tells the right line speed.
    public private(set) var checkedGroups = 0
    /// Groups that passed every check once the family was known: those reported as
    /// ``Output/group(_:)``, counted even when groups are not reported.
    public private(set) var acceptedGroups = 0

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
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, into outputs: inout [Output]) {
        feed(bytes, reportingTo: &outputs)
    }

    /// Feeds one byte, flagged when it arrived with a parity error; appends what it completes.
    public mutating func feed(_ byte: UInt8, parityError: Bool = false, into outputs: inout [Output]) {
        feed(byte, parityError: parityError, reportingTo: &outputs)
    }

    /// Ends the stream: a group still open is truncated, an open frame interrupted.
    public mutating func finish(into outputs: inout [Output]) {
        finish(reportingTo: &outputs)
    }

    /// Feeds the bytes of a buffer; gives `sink` what they complete, in order.
    ///
    /// Each candidate decodes the whole buffer in turn, handing each group to its frame as it
    /// finds it. A candidate that locks drops the others, whose outputs would not have been emitted.
    package mutating func feed<Sink: TICReaderSink>(_ bytes: UnsafeRawBufferPointer, reportingTo sink: inout Sink) {
        decode(bytes, parityError: false, reportingTo: &sink)
    }

    /// Feeds one byte, flagged when it arrived with a parity error; gives `sink` what it completes.
    package mutating func feed<Sink: TICReaderSink>(_ byte: UInt8, parityError: Bool = false, reportingTo sink: inout Sink) {
        withUnsafeBytes(of: byte) { decode($0, parityError: parityError, reportingTo: &sink) }
    }

    /// Ends the stream, giving `sink` what that completes.
    package mutating func finish<Sink: TICReaderSink>(reportingTo sink: inout Sink) {
        decode(nil, parityError: false, reportingTo: &sink)
    }

    /// Decodes `bytes` (nil: the stream's end) with each candidate in turn; locking during the
    /// buffer leaves one candidate.
    private mutating func decode<Sink: TICReaderSink>(_ bytes: UnsafeRawBufferPointer?, parityError: Bool, reportingTo sink: inout Sink) {
        var index = 0
        while index < candidates.count {
            var progress = Progress(
                families: families, reportsGroups: reportsGroups, lockAfter: lockAfter, isLocked: isLocked,
                checkedGroups: checkedGroups, acceptedGroups: acceptedGroups
            )
            candidates[index].read(bytes, parityError: parityError, &progress, into: &sink)
            isLocked = progress.isLocked
            checkedGroups = progress.checkedGroups
            acceptedGroups = progress.acceptedGroups
            if progress.lockedNow { candidates = [candidates[index]] }
            index += 1
        }
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

extension TICReader.Candidate {
    /// Decodes `bytes` (nil: the stream's end) and turns each event into checked groups, frames
    /// and outputs as it comes: groups go to the sink as bytes of the buffer they are in.
    mutating func read<Sink: TICReaderSink>(
        _ bytes: UnsafeRawBufferPointer?, parityError: Bool, _ progress: inout TICReader.Progress, into sink: inout Sink
    ) {
        guard let bytes else {
            let none = UnsafeRawBufferPointer(start: nil, count: 0)
            while let event = decoder.finish() { handle(event, from: none, &progress, into: &sink) }
            return
        }
        var position = 0
        while let event = decoder.next(in: bytes, at: &position, parityError: parityError) {
            handle(event, from: bytes, &progress, into: &sink)
        }
    }

    /// Handles `event`, just decoded from `bytes`: its bytes are there or in the decoder's
    /// ``TICDecoder/carried``.
    @inline(__always)
    private mutating func handle<Sink: TICReaderSink>(
        _ event: TICDecoder.Event, from bytes: UnsafeRawBufferPointer, _ progress: inout TICReader.Progress, into sink: inout Sink
    ) {
        guard decoder.isCarried else { return handle(event, in: bytes, &progress, into: &sink) }
        let carried = decoder.carried  // a copy: handling the event changes the candidate that holds the decoder
        carried.withUnsafeBytes { handle(event, in: $0, &progress, into: &sink) }
    }

    private mutating func handle<Sink: TICReaderSink>(
        _ event: TICDecoder.Event, in buffer: UnsafeRawBufferPointer, _ progress: inout TICReader.Progress, into sink: inout Sink
    ) {
        switch event {
        case .frameStarted:
            if var spare = spareFrame {
                spareFrame = nil  // `spare` is then its storage's only owner, unless an output holds it
                spare.removeAll(labelIndex: labelIndex)
                frame = spare
            } else {
                frame = TICFrame(reservingGroups: groupsPerFrame, bytes: bytesPerFrame, labelIndex: labelIndex)
            }
        case .group(let span):
            progress.checkedGroups += 1
            if !isIdentified, let identified = identify(buffer[span.label], among: progress.families) {
                family = identified
                frame?.refuse(.invalidField) { identified.checked($0, in: $1) == nil }
            }
            guard isIdentified else {
                frame?.append(span, of: buffer)
                return
            }
            // `family?` reads the family in place (binding it would copy it, retaining its arrays).
            if let checked = family?.checked(span, in: buffer) {
                frame?.append(checked, of: buffer)
                progress.acceptedGroups += 1
                if progress.reportsGroups {
                    sink.group(label: buffer[span.label], horodate: span.horodate.map { buffer[$0] }, data: buffer[span.data], isVerbatim: span.isVerbatim)
                }
            } else {
                let rejected = TICRejectedGroup(reason: .invalidField, bytes: Array(buffer[span.whole]))
                frame?.rejected.append(rejected)
                sink.receive(.rejected(rejected))
            }
        case .rejected(let reason, let range):
            guard frame != nil || isIdentified else { return }
            let rejected = TICRejectedGroup(reason: reason, bytes: Array(buffer[range]))
            frame?.rejected.append(rejected)
            if isIdentified { sink.receive(.rejected(rejected)) }
        case .frameEnded:
            defer { recycleFrame() }
            guard let frame, isIdentified else { return }
            sink.receive(.frame(frame))
            groupsPerFrame = max(16, frame.groupCount)
            bytesPerFrame = max(256, frame.byteCount)
            completeFrames += 1
            if !progress.isLocked, completeFrames >= progress.lockAfter {
                progress.isLocked = true
                progress.lockedNow = true
                sink.receive(.locked(family: family?.name ?? "", checksum: decoder.mode))
            }
        case .frameInterrupted:
            if let frame, isIdentified { sink.receive(.interrupted(frame)) }
            recycleFrame()
        }
    }

    /// Ends the frame in progress, keeping it as the spare for the next.
    private mutating func recycleFrame() {
        if let frame { spareFrame = frame }
        frame = nil
    }

    private func identify(_ label: Slice<UnsafeRawBufferPointer>, among families: [TICFamily]) -> TICFamily? {
        families.first { $0.checksum.separator == decoder.mode.separator && $0.isIdentified(by: label) }
    }
}

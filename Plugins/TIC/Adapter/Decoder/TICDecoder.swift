/// Decodes a TIC byte stream into groups and frame boundaries, whatever the chunking: feeding the
/// bytes one at a time or all at once gives the same outputs.
///
/// A struct state machine with no I/O: ``feed(_:into:)`` appends what the bytes completed.
/// Groups are recognized by `LF … CR` even outside `STX … ETX` (some captures lack them);
/// frames are reported around them. Group and frame sizes are bounded, so garbage cannot grow
/// memory.
///
/// Groups are decoded where they lie in the buffer being fed: only a group that a buffer ends in
/// is copied, to be completed by the next (``carried``).
public struct TICDecoder: Sendable {
    /// What the bytes fed so far produced, in order.
    public enum Output: Sendable, Hashable {
        /// STX: a frame begins (a frame still open is reported interrupted first).
        case frameStarted
        /// A group whose checksum and characters are valid.
        case group(TICGroup)
        /// A group refused, with its reason.
        case rejected(TICRejectedGroup)
        /// ETX closing a frame that began with STX.
        case frameEnded
        /// The frame in progress ended without ETX: EOT, a new STX, too many groups, or the end of
        /// the stream (also for a frame the stream began in the middle of).
        case frameInterrupted
    }

    /// One thing the bytes produced, on bytes (the reader's hot path; ``Output`` is this with
    /// strings). A group's span and a refused group's range are in the buffer being decoded, or
    /// in ``carried`` when ``isCarried``.
    enum Event: Sendable, Hashable {
        case frameStarted
        case group(TICGroupSpan)
        case rejected(TICRejectedGroup.Reason, Range<Int>)
        case frameEnded
        case frameInterrupted
    }

    /// The longest group accepted between LF and CR (the longest Linky group, `PJOURF+1`, is ~110 bytes).
    public static let maximumGroupLength = 256
    /// The most groups a frame may hold before it is considered garbage and interrupted.
    public static let maximumGroupsPerFrame = 128

    private enum Byte {
        static let stx: UInt8 = 0x02, etx: UInt8 = 0x03, eot: UInt8 = 0x04, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
    }

    /// Where the stream is relative to frames. A stream starts `partial`: it may begin mid-frame.
    private enum FrameState {
        case between, partial, open
    }

    public let mode: TICChecksumMode
    private var frame = FrameState.partial
    private var groupsInFrame = 0
    /// Set when a group ended its frame for holding too many: the interruption comes next.
    private var interruptionPending = false
    /// Whether a group is in progress (since its LF).
    private var inGroup = false
    /// Where the group in progress begins in the buffer being decoded (unless ``isCarried``).
    private var groupStart = 0
    /// Whether the group in progress, or the last one, began in an earlier buffer: its bytes are
    /// then in ``carried``.
    private(set) var isCarried = false
    /// The first bytes of a group begun in an earlier buffer (at most ``maximumGroupLength``).
    private(set) var carried: [UInt8] = []
    /// Whether the carried group has more bytes than it keeps.
    private var overflowed = false
    private var parityFailed = false

    public init(mode: TICChecksumMode) {
        self.mode = mode
        carried.reserveCapacity(Self.maximumGroupLength)
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
        var position = 0
        while let event = next(in: bytes, at: &position) { outputs.append(output(event, in: bytes)) }
    }

    /// Feeds one byte, flagged when it arrived with a parity error (its group is then refused
    /// with ``TICRejectedGroup/Reason/parity``); appends the outputs it completes.
    public mutating func feed(_ byte: UInt8, parityError: Bool = false, into outputs: inout [Output]) {
        withUnsafeBytes(of: byte) { bytes in
            var position = 0
            while let event = next(in: bytes, at: &position, parityError: parityError) { outputs.append(output(event, in: bytes)) }
        }
    }

    /// Ends the stream: a group still open is reported truncated, an open frame interrupted.
    public mutating func finish(into outputs: inout [Output]) {
        while let event = finish() { outputs.append(output(event, in: UnsafeRawBufferPointer(start: nil, count: 0))) }
    }

    /// The output of `event`, just decoded from `bytes`: its bytes are there or in ``carried``.
    private func output(_ event: Event, in bytes: UnsafeRawBufferPointer) -> Output {
        switch event {
        case .frameStarted: .frameStarted
        case .group(let span):
            .group(isCarried ? carried.withUnsafeBytes { span.group(in: $0) } : span.group(in: bytes))
        case .rejected(let reason, let range):
            .rejected(TICRejectedGroup(reason: reason, bytes: isCarried ? Array(carried[range]) : Array(bytes[range])))
        case .frameEnded: .frameEnded
        case .frameInterrupted: .frameInterrupted
        }
    }

    /// The next event of `bytes` from `position`, which it advances; nil once every byte of
    /// `bytes` is decoded (a group in progress is then carried over to the next buffer).
    /// `parityError`: the bytes arrived with a parity error (the parity filter feeds one at a time).
    ///
    /// A byte that makes several events (STX in a group: the group truncated, the frame
    /// interrupted, a frame started) is decoded again after each, its position unchanged.
    mutating func next(in bytes: UnsafeRawBufferPointer, at position: inout Int, parityError: Bool = false) -> Event? {
        if interruptionPending {
            interruptionPending = false
            return .frameInterrupted
        }
        while position < bytes.count {
            let byte = bytes[position]
            if parityError, inGroup { parityFailed = true }
            switch byte {
            case Byte.stx:
                if let truncated = truncateGroup(at: position) { return truncated }
                if frame == .open {
                    frame = .between
                    return .frameInterrupted
                }
                frame = .open
                groupsInFrame = 0
                position += 1
                return .frameStarted
            case Byte.etx:
                if let truncated = truncateGroup(at: position) { return truncated }
                position += 1
                defer { frame = .between }
                if frame == .open { return .frameEnded }
            case Byte.eot:
                if let truncated = truncateGroup(at: position) { return truncated }
                position += 1
                defer { frame = .between }
                if frame != .between { return .frameInterrupted }
            case Byte.lf:
                if let truncated = truncateGroup(at: position) { return truncated }
                position += 1
                startGroup(at: position, parityError: parityError)
            case Byte.cr:
                guard inGroup else {
                    position += 1
                    continue
                }
                let event = finishGroup(in: bytes, at: position)
                position += 1
                return event
            default:
                guard inGroup else {  // noise between groups is ignored
                    position += 1
                    continue
                }
                let end = Self.controlByte(in: bytes, from: position + 1)
                if isCarried { carry(UnsafeRawBufferPointer(rebasing: bytes[position..<end])) }
                position = end
            }
        }
        if inGroup, !isCarried {
            isCarried = true
            carry(UnsafeRawBufferPointer(rebasing: bytes[groupStart..<bytes.count]))
        }
        return nil
    }

    /// The next event of the stream's end (a group truncated, the frame interrupted); nil once
    /// there is none left. The bytes fed so far must all be decoded.
    mutating func finish() -> Event? {
        if interruptionPending {
            interruptionPending = false
            return .frameInterrupted
        }
        if let truncated = truncateGroup(at: 0) { return truncated }
        defer { frame = .partial }
        return frame == .open ? .frameInterrupted : nil
    }

    /// Where the first framing byte (STX, ETX, EOT, LF, CR) is in `bytes` from `start`, or the end.
    /// Eight bytes at a time while none of them is below 0x05, LF or CR.
    @inline(__always)
    private static func controlByte(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        while bytes.count - index >= 8 {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            let lf = word ^ (ones &* UInt64(Byte.lf)), cr = word ^ (ones &* UInt64(Byte.cr))
            // A byte below 0x05, or one equal to LF or CR (zero once xored): no false negative.
            let found = ((word &- ones &* 0x05) & ~word | (lf &- ones) & ~lf | (cr &- ones) & ~cr) & highs
            if found != 0 { break }
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Byte.cr || byte == Byte.lf || (Byte.stx...Byte.eot).contains(byte) { return index }
            index += 1
        }
        return index
    }

    private mutating func startGroup(at start: Int, parityError: Bool) {
        inGroup = true
        groupStart = start
        if isCarried {
            isCarried = false
            carried.removeAll(keepingCapacity: true)
        }
        parityFailed = parityError
    }

    /// Keeps bytes of a group begun in an earlier buffer, up to the longest group.
    private mutating func carry(_ bytes: UnsafeRawBufferPointer) {
        let room = Self.maximumGroupLength - carried.count
        if bytes.count > room { overflowed = true }
        carried.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes.prefix(room)))
    }

    /// Ends the group in progress, if any, at a framing byte at `end`: a refused group unless
    /// it is empty (a lone LF, e.g. the last byte of a capture, is no group).
    private mutating func truncateGroup(at end: Int) -> Event? {
        guard inGroup else { return nil }
        defer { endGroup() }
        let (range, tooLong) = groupBytes(endingAt: end)
        guard !range.isEmpty else { return nil }
        return emit(.rejected(tooLong ? .tooLong : .truncated, range))
    }

    /// Ends the group in progress at its CR at `end`: the group, or why it is refused.
    private mutating func finishGroup(in bytes: UnsafeRawBufferPointer, at end: Int) -> Event {
        defer { endGroup() }
        let (range, tooLong) = groupBytes(endingAt: end)
        if tooLong || parityFailed { return emit(.rejected(tooLong ? .tooLong : .parity, range)) }
        let parsed = isCarried ? carried.withUnsafeBytes { TICGroupParser.parse($0, range, mode: mode) } : TICGroupParser.parse(bytes, range, mode: mode)
        switch parsed {
        case .success(let span): return emit(.group(span))
        case .failure(let reason): return emit(.rejected(reason, range))
        }
    }

    /// The kept bytes of the group in progress, ending at `end` in the buffer being decoded
    /// (or in ``carried``), and whether it has more bytes than that.
    private func groupBytes(endingAt end: Int) -> (Range<Int>, tooLong: Bool) {
        if isCarried { return (0..<carried.count, overflowed) }
        let count = end - groupStart
        return (groupStart..<(groupStart + min(count, Self.maximumGroupLength)), count > Self.maximumGroupLength)
    }

    /// `event`, counted in its frame: a frame with too many groups is interrupted after it.
    private mutating func emit(_ event: Event) -> Event {
        guard frame == .open else { return event }
        groupsInFrame += 1
        if groupsInFrame > Self.maximumGroupsPerFrame {
            interruptionPending = true
            frame = .between
        }
        return event
    }

    /// Ends the group in progress; its bytes stay where they are for the event that refers to them.
    private mutating func endGroup() {
        inGroup = false
        overflowed = false
        parityFailed = false
    }
}

/// Decodes a TIC byte stream into groups and frame boundaries, whatever the chunking: feeding the
/// bytes one at a time or all at once gives the same outputs.
///
/// A struct state machine with no I/O: ``feed(_:into:)`` appends what the bytes completed.
/// Groups are recognized by `LF … CR` even outside `STX … ETX` (some captures lack them);
/// frames are reported around them. Group and frame sizes are bounded, so garbage cannot grow
/// memory.
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
    private var group: [UInt8] = []
    private var inGroup = false
    private var overflowed = false
    private var parityFailed = false

    public init(mode: TICChecksumMode) {
        self.mode = mode
        group.reserveCapacity(Self.maximumGroupLength)
    }

    /// Feeds bytes; appends the outputs they complete.
    @inlinable
    public mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes, into outputs: inout [Output]) {
        if bytes.withContiguousStorageIfAvailable({ feed(UnsafeRawBufferPointer($0), into: &outputs) }) == nil {
            Array(bytes).withUnsafeBytes { feed($0, into: &outputs) }
        }
    }

    /// Feeds the bytes of a buffer; appends the outputs they complete. Inside a group, runs of
    /// ordinary bytes are copied at once (the hot loop); control bytes go one at a time.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, into outputs: inout [Output]) {
        var start = 0
        while start < bytes.count {
            guard inGroup, Self.isOrdinary(bytes[start]) else {
                feed(bytes[start], parityError: false, into: &outputs)
                start += 1
                continue
            }
            var end = start + 1
            while end < bytes.count, Self.isOrdinary(bytes[end]) { end += 1 }
            let room = Self.maximumGroupLength - group.count
            if end - start > room { overflowed = true }
            group.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + min(room, end - start))]))
            start = end
        }
    }

    /// Whether `byte` is data for the framing: not STX, ETX, EOT, LF or CR.
    private static func isOrdinary(_ byte: UInt8) -> Bool {
        byte > Byte.eot && byte != Byte.lf && byte != Byte.cr
    }

    /// Feeds one byte, flagged when it arrived with a parity error (its group is then refused
    /// with ``TICRejectedGroup/Reason/parity``); appends the outputs it completes.
    public mutating func feed(_ byte: UInt8, parityError: Bool = false, into outputs: inout [Output]) {
        if parityError, inGroup { parityFailed = true }
        switch byte {
        case Byte.stx:
            truncateGroup(into: &outputs)
            if frame == .open { outputs.append(.frameInterrupted) }
            frame = .open
            groupsInFrame = 0
            outputs.append(.frameStarted)
        case Byte.etx:
            truncateGroup(into: &outputs)
            if frame == .open { outputs.append(.frameEnded) }
            frame = .between
        case Byte.eot:
            truncateGroup(into: &outputs)
            if frame != .between { outputs.append(.frameInterrupted) }
            frame = .between
        case Byte.lf:
            truncateGroup(into: &outputs)
            inGroup = true
            parityFailed = parityError
        case Byte.cr:
            guard inGroup else { return }
            finishGroup(into: &outputs)
        default:
            guard inGroup else { return }  // noise between groups is ignored
            if group.count < Self.maximumGroupLength {
                group.append(byte)
            } else {
                overflowed = true
            }
        }
    }

    /// Ends the stream: a group still open is reported truncated, an open frame interrupted.
    public mutating func finish(into outputs: inout [Output]) {
        truncateGroup(into: &outputs)
        if frame == .open { outputs.append(.frameInterrupted) }
        frame = .partial
    }

    private mutating func truncateGroup(into outputs: inout [Output]) {
        guard inGroup else { return }
        guard !group.isEmpty else {  // a lone LF (e.g. the last byte of a capture) is no group
            resetGroup()
            return
        }
        emit(.rejected(TICRejectedGroup(reason: overflowed ? .tooLong : .truncated, bytes: group)), into: &outputs)
        resetGroup()
    }

    private mutating func finishGroup(into outputs: inout [Output]) {
        if overflowed || parityFailed {
            emit(.rejected(TICRejectedGroup(reason: overflowed ? .tooLong : .parity, bytes: group)), into: &outputs)
        } else {
            switch TICGroupParser.parse(group, mode: mode) {
            case .success(let parsed): emit(.group(parsed), into: &outputs)
            case .failure(let reason): emit(.rejected(TICRejectedGroup(reason: reason, bytes: group)), into: &outputs)
            }
        }
        resetGroup()
    }

    private mutating func emit(_ output: Output, into outputs: inout [Output]) {
        outputs.append(output)
        guard frame == .open else { return }
        groupsInFrame += 1
        if groupsInFrame > Self.maximumGroupsPerFrame {
            outputs.append(.frameInterrupted)
            frame = .between
        }
    }

    private mutating func resetGroup() {
        group.removeAll(keepingCapacity: true)
        inGroup = false
        overflowed = false
        parityFailed = false
    }
}

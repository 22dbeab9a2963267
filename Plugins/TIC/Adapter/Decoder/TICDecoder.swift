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

    /// What the bytes fed so far produced, on bytes: groups are spans of ``buffer`` (the reader's
    /// hot path; ``Output`` is this with strings).
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
    /// The events since the last ``consumeEvents()``.
    private(set) var events: [Event] = []
    /// The bytes of the groups of ``events``, then those of the group in progress.
    private(set) var buffer: [UInt8] = []
    /// Where the group in progress begins in ``buffer``.
    private var groupStart = 0
    private var inGroup = false
    private var overflowed = false
    private var parityFailed = false

    public init(mode: TICChecksumMode) {
        self.mode = mode
        buffer.reserveCapacity(4 * Self.maximumGroupLength)
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
        decode(bytes)
        takeOutputs(into: &outputs)
    }

    /// Feeds one byte, flagged when it arrived with a parity error (its group is then refused
    /// with ``TICRejectedGroup/Reason/parity``); appends the outputs it completes.
    public mutating func feed(_ byte: UInt8, parityError: Bool = false, into outputs: inout [Output]) {
        decode(byte, parityError: parityError)
        takeOutputs(into: &outputs)
    }

    /// Ends the stream: a group still open is reported truncated, an open frame interrupted.
    public mutating func finish(into outputs: inout [Output]) {
        finish()
        takeOutputs(into: &outputs)
    }

    private mutating func takeOutputs(into outputs: inout [Output]) {
        guard !events.isEmpty else { return }
        buffer.withUnsafeBytes { buffer in
            for event in events {
                switch event {
                case .frameStarted: outputs.append(.frameStarted)
                case .group(let span): outputs.append(.group(span.group(in: buffer)))
                case .rejected(let reason, let range): outputs.append(.rejected(TICRejectedGroup(reason: reason, bytes: Array(buffer[range]))))
                case .frameEnded: outputs.append(.frameEnded)
                case .frameInterrupted: outputs.append(.frameInterrupted)
                }
            }
        }
        consumeEvents()
    }

    /// Decodes the bytes of a buffer into ``events``. Inside a group, runs of ordinary bytes are
    /// copied at once (the hot loop); control bytes go one at a time.
    mutating func decode(_ bytes: UnsafeRawBufferPointer) {
        var start = 0
        while start < bytes.count {
            guard inGroup, Self.isOrdinary(bytes[start]) else {
                decode(bytes[start], parityError: false)
                start += 1
                continue
            }
            var end = start + 1
            while end < bytes.count, Self.isOrdinary(bytes[end]) { end += 1 }
            let room = Self.maximumGroupLength - (buffer.count - groupStart)
            if end - start > room { overflowed = true }
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + min(room, end - start))]))
            start = end
        }
    }

    /// Decodes one byte into ``events``.
    mutating func decode(_ byte: UInt8, parityError: Bool) {
        if parityError, inGroup { parityFailed = true }
        switch byte {
        case Byte.stx:
            truncateGroup()
            if frame == .open { events.append(.frameInterrupted) }
            frame = .open
            groupsInFrame = 0
            events.append(.frameStarted)
        case Byte.etx:
            truncateGroup()
            if frame == .open { events.append(.frameEnded) }
            frame = .between
        case Byte.eot:
            truncateGroup()
            if frame != .between { events.append(.frameInterrupted) }
            frame = .between
        case Byte.lf:
            truncateGroup()
            inGroup = true
            groupStart = buffer.count
            parityFailed = parityError
        case Byte.cr:
            guard inGroup else { return }
            finishGroup()
        default:
            guard inGroup else { return }  // noise between groups is ignored
            if buffer.count - groupStart < Self.maximumGroupLength {
                buffer.append(byte)
            } else {
                overflowed = true
            }
        }
    }

    /// Ends the stream into ``events``.
    mutating func finish() {
        truncateGroup()
        if frame == .open { events.append(.frameInterrupted) }
        frame = .partial
    }

    /// Forgets ``events`` and the bytes of their groups, once they have been read.
    mutating func consumeEvents() {
        events.removeAll(keepingCapacity: true)
        if inGroup {
            buffer.removeSubrange(0..<groupStart)
            groupStart = 0
        } else {
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Whether `byte` is data for the framing: not STX, ETX, EOT, LF or CR.
    private static func isOrdinary(_ byte: UInt8) -> Bool {
        byte > Byte.eot && byte != Byte.lf && byte != Byte.cr
    }

    private mutating func truncateGroup() {
        guard inGroup else { return }
        defer { endGroup() }
        guard buffer.count > groupStart else { return }  // a lone LF (e.g. the last byte of a capture) is no group
        emit(.rejected(overflowed ? .tooLong : .truncated, groupStart..<buffer.count))
    }

    private mutating func finishGroup() {
        defer { endGroup() }
        if overflowed || parityFailed {
            emit(.rejected(overflowed ? .tooLong : .parity, groupStart..<buffer.count))
            return
        }
        let range = groupStart..<buffer.count
        switch buffer.withUnsafeBytes({ TICGroupParser.parse($0, range, mode: mode) }) {
        case .success(let span): emit(.group(span))
        case .failure(let reason): emit(.rejected(reason, range))
        }
    }

    private mutating func emit(_ event: Event) {
        events.append(event)
        guard frame == .open else { return }
        groupsInFrame += 1
        if groupsInFrame > Self.maximumGroupsPerFrame {
            events.append(.frameInterrupted)
            frame = .between
        }
    }

    /// Ends the group in progress; its bytes stay in the buffer for the events that refer to them.
    private mutating func endGroup() {
        inGroup = false
        overflowed = false
        parityFailed = false
    }
}

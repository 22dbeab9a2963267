public import AdapterKit

/// The adapter's logic without I/O: bytes and the passing of time in, events and counters out.
///
/// Publishes one measurement per complete frame that holds valid groups (an atomic snapshot;
/// refused groups are left out and counted, interrupted frames are not published), alarms when an
/// alarm label appears or disappears, and the link status: lost after `linkTimeout` without a
/// valid frame, back with the next one (``TICLinkStateMachine``; the caller feeds time in at
/// ``linkDeadline`` through ``checkLink(at:into:)``).
public struct TICSession: Sendable {
    /// What the session asks the adapter to publish.
    public enum Publication: Sendable, Equatable {
        /// A frame's measurement, encoded.
        case measurement(TICMeasurementPayload)
        case alarm(EnergyAlarm)
        case status(EnergyStatus)
    }

    /// A counter increment for the adapter's metrics.
    public struct CounterDelta: Sendable, Hashable {
        public var name: String
        public var labels: [String: String]
        public var amount: Double
    }

    private var reader: TICReader
    private var filter: TICParityFilter
    private var outputs: [TICReader.Output] = []
    /// What the reader's outputs become: publications, alarms, counters.
    private var handler: TICSessionHandler
    /// Whether the link is up: nil until the first valid frame or the first timeout.
    public var linkUp: Bool? { handler.link.isUp }
    /// When the link is lost unless a valid frame comes first: when to call
    /// ``checkLink(at:into:)`` next (nil: the link is lost already).
    public var linkDeadline: Duration? { handler.link.deadline }
    /// Complete frames read since the start (published or not).
    public var frameCount: Int { handler.frameCount }

    /// A session reading with `reader`; `deviceID` overrides the meter's own address.
    public init(reader: TICReader, parity: TICParity, linkTimeout: Duration = .seconds(10), deviceID: String?, defaultDeviceID: String) {
        self.reader = reader
        self.filter = TICParityFilter(parity: parity)
        handler = TICSessionHandler(link: TICLinkStateMachine(timeout: linkTimeout), deviceID: deviceID, defaultDeviceID: defaultDeviceID)
    }

    /// The identified (or configured) family, if any yet.
    public var family: TICFamily? { reader.family }
    /// Groups whose checksum held so far (tells a right line speed from a wrong one).
    public var checkedGroups: Int { reader.checkedGroups }

    /// Consumes bytes received at `time` (a monotonic offset from the session's start).
    @inlinable
    public mutating func consume<Bytes: Sequence<UInt8>>(_ bytes: Bytes, at time: Duration, into publications: inout [Publication]) {
        if bytes.withContiguousStorageIfAvailable({ consume(UnsafeRawBufferPointer($0), at: time, into: &publications) }) == nil {
            Array(bytes).withUnsafeBytes { consume($0, at: time, into: &publications) }
        }
    }

    /// Consumes the bytes of a buffer received at `time`.
    ///
    /// Once the family is settled, the reader gives its outputs to the handler as it reads (a
    /// frame's storage then serves the next frame); before, they are handled after the read,
    /// with the family the read identified.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer, at time: Duration, into publications: inout [Publication]) {
        handler.begin(at: time, taking: &publications)
        defer { handler.end(giving: &publications) }
        if filter.parity == .none, reader.isLocked {
            if handler.family == nil { handler.family = reader.family }
            reader.feed(bytes, reportingTo: &handler)
            return
        }
        var parityErrors = 0
        if filter.parity == .none {
            reader.feed(bytes, into: &outputs)
        } else {
            filter.filter(bytes) { byte, parityError in
                if parityError { parityErrors += 1 }
                reader.feed(byte, parityError: parityError, into: &outputs)
            }
        }
        if parityErrors > 0 { handler.counters.countParityErrors(parityErrors) }
        handleOutputs()
    }

    /// Ends the input (a capture's end): an open group is truncated, an open frame interrupted.
    public mutating func finish(at time: Duration, into publications: inout [Publication]) {
        handler.begin(at: time, taking: &publications)
        defer { handler.end(giving: &publications) }
        reader.finish(into: &outputs)
        handleOutputs()
    }

    /// Time has reached `time`: at ``linkDeadline``, no valid frame for `linkTimeout` makes the
    /// link lost (once).
    public mutating func checkLink(at time: Duration, into publications: inout [Publication]) {
        guard handler.link.timeElapsed(to: time) == .linkLost else { return }
        reader.restartDetection()
        handler.family = nil
        handler.begin(at: time, taking: &publications)
        defer { handler.end(giving: &publications) }
        handler.linkLost()
    }

    /// The counter increments since the last call.
    public mutating func takeCounterDeltas() -> [CounterDelta] {
        handler.counters.take()
    }

    private mutating func handleOutputs() {
        defer { outputs.removeAll(keepingCapacity: true) }
        handler.family = reader.family
        for output in outputs { handler.receive(output) }
    }
}

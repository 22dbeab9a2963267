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
    private let deviceID: String?
    private let defaultDeviceID: String
    private var outputs: [TICReader.Output] = []
    private var normalizer: TICNormalizer?
    private var alarms = AlarmSet()
    /// The label behind each raised label alarm, for the clearing message.
    private var alarmLabels: [String: String] = [:]
    private var link: TICLinkStateMachine
    private var counters = TICCounters()
    /// Whether the link is up: nil until the first valid frame or the first timeout.
    public var linkUp: Bool? { link.isUp }
    /// When the link is lost unless a valid frame comes first: when to call
    /// ``checkLink(at:into:)`` next (nil: the link is lost already).
    public var linkDeadline: Duration? { link.deadline }
    /// Complete frames read since the start (published or not).
    public private(set) var frameCount = 0

    /// A session reading with `reader`; `deviceID` overrides the meter's own address.
    public init(reader: TICReader, parity: TICParity, linkTimeout: Duration = .seconds(10), deviceID: String?, defaultDeviceID: String) {
        self.reader = reader
        self.filter = TICParityFilter(parity: parity)
        self.link = TICLinkStateMachine(timeout: linkTimeout)
        self.deviceID = deviceID
        self.defaultDeviceID = defaultDeviceID
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
    public mutating func consume(_ bytes: UnsafeRawBufferPointer, at time: Duration, into publications: inout [Publication]) {
        var parityErrors = 0
        if filter.parity == .none {
            reader.feed(bytes, into: &outputs)
        } else {
            filter.filter(bytes) { byte, parityError in
                if parityError { parityErrors += 1 }
                reader.feed(byte, parityError: parityError, into: &outputs)
            }
        }
        if parityErrors > 0 { counters.countParityErrors(parityErrors) }
        handleOutputs(at: time, into: &publications)
    }

    /// Ends the input (a capture's end): an open group is truncated, an open frame interrupted.
    public mutating func finish(at time: Duration, into publications: inout [Publication]) {
        reader.finish(into: &outputs)
        handleOutputs(at: time, into: &publications)
    }

    /// Time has reached `time`: at ``linkDeadline``, no valid frame for `linkTimeout` makes the
    /// link lost (once).
    public mutating func checkLink(at time: Duration, into publications: inout [Publication]) {
        guard link.timeElapsed(to: time) == .linkLost else { return }
        reader.restartDetection()
        let message = "no valid TIC frame for \(Self.seconds(link.timeout)) s"
        if let alarm = alarms.raise("link_lost", severity: .critical, message) { publications.append(.alarm(alarm)) }
        publications.append(.status(EnergyStatus(available: false, state: .linkLost, detail: message)))
    }

    /// The counter increments since the last call.
    public mutating func takeCounterDeltas() -> [CounterDelta] {
        counters.take()
    }

    private mutating func handleOutputs(at time: Duration, into publications: inout [Publication]) {
        defer { outputs.removeAll(keepingCapacity: true) }
        for output in outputs {
            switch output {
            case .group, .locked: break
            case .rejected(let rejected):
                counters.countRejected(rejected.reason)
            case .interrupted:
                counters.countFrame(.interrupted)
            case .frame(let frame) where frame.groupCount == 0 && !frame.isDegraded:
                // STX ETX with nothing between (line noise, a meter starting up): not a reading.
                counters.countFrame(.empty)
            case .frame(let frame):
                frameCount += 1
                counters.countFrame(frame.isDegraded ? .degraded : .ok)
                guard frame.groupCount > 0 else { continue }
                publish(frame, at: time, into: &publications)
            }
        }
    }

    private mutating func publish(_ frame: TICFrame, at time: Duration, into publications: inout [Publication]) {
        // A frame checked against the normalizer's family says so (its label index): then neither
        // the reader's family nor the normalizer is copied, as binding them would.
        if frame.labelIndex == nil || normalizer?.family.labelIndex !== frame.labelIndex {
            guard let family = reader.family else { return }
            if normalizer?.family.name != family.name {
                normalizer = TICNormalizer(family: family, defaultDeviceID: defaultDeviceID)
            }
        }
        guard let payload = normalizer?.payload(of: frame, deviceID: deviceID), let present = normalizer?.alarms(in: frame) else { return }
        if case .linkUp(let clearingLoss) = link.frameReceived(at: time) {
            if clearingLoss, let cleared = alarms.clear("link_lost", "TIC frames received again") { publications.append(.alarm(cleared)) }
            let family = normalizer?.family.name ?? ""
            publications.append(.status(EnergyStatus(available: true, state: .receiving, detail: "\(family) frames")))
        }
        publications.append(.measurement(TICMeasurementPayload(bytes: payload)))
        updateAlarms(present, clearing: !frame.isDegraded, into: &publications)
    }

    /// Raises the alarms that appeared; clears those gone, unless `clearing` is false (a degraded
    /// frame may have lost the alarm's group to a bad checksum: it does not clear anything).
    private mutating func updateAlarms(_ present: [TICNormalizer.ActiveAlarm], clearing: Bool, into publications: inout [Publication]) {
        if present.isEmpty && alarmLabels.isEmpty { return }  // the common case: no alarm at all
        let codes = Set(present.map(\.code))
        for alarm in present {
            guard let raised = alarms.raise(alarm.code, severity: .warning, "\(alarm.label) \(alarm.data)") else { continue }
            alarmLabels[alarm.code] = alarm.label
            publications.append(.alarm(raised))
        }
        for (code, label) in alarmLabels.sorted(by: { $0.key < $1.key }) where clearing && !codes.contains(code) {
            alarmLabels[code] = nil
            if let cleared = alarms.clear(code, "\(label) no longer sent") { publications.append(.alarm(cleared)) }
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return attoseconds == 0 ? "\(seconds)" : "\(Double(seconds) + Double(attoseconds) / 1e18)"
    }
}

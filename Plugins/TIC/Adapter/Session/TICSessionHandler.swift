import AdapterKit

/// What a ``TICSession`` does with what its reader produced: counts, publishes each complete
/// frame's measurement, raises and clears alarms, reports the link. A ``TICReaderSink``, so the
/// reader can give it each output as it reads, with no list of outputs in between.
struct TICSessionHandler: TICReaderSink {
    var link: TICLinkStateMachine
    var counters = TICCounters()
    /// Complete frames read since the start (published or not).
    private(set) var frameCount = 0
    /// The family the reader identified (or was given): the one a frame's measurement is read by.
    var family: TICFamily?
    private let deviceID: String?
    private let defaultDeviceID: String
    private var normalizer: TICNormalizer?
    private var alarms = AlarmSet()
    /// The label behind each raised label alarm, for the clearing message.
    private var alarmLabels: [String: String] = [:]
    /// When the bytes being handled were received.
    private var time = Duration.zero
    /// The publications of the call in progress (the caller's list, taken by ``begin(at:taking:)``).
    private var publications: [TICSession.Publication] = []

    init(link: TICLinkStateMachine, deviceID: String?, defaultDeviceID: String) {
        self.link = link
        self.deviceID = deviceID
        self.defaultDeviceID = defaultDeviceID
    }

    /// Starts handling what was received at `time`, appending to `publications` (taken, not
    /// copied, until ``end(giving:)``).
    mutating func begin(at time: Duration, taking publications: inout [TICSession.Publication]) {
        self.time = time
        swap(&self.publications, &publications)
    }

    /// Gives the publications back.
    mutating func end(giving publications: inout [TICSession.Publication]) {
        swap(&self.publications, &publications)
    }

    /// The link is lost: an alarm and a status.
    mutating func linkLost() {
        let message = "no valid TIC frame for \(Self.seconds(link.timeout)) s"
        if let alarm = alarms.raise("link_lost", severity: .critical, message) { publications.append(.alarm(alarm)) }
        publications.append(.status(EnergyStatus(available: false, state: .linkLost, detail: message)))
    }

    func group(label: Slice<UnsafeRawBufferPointer>, horodate: Slice<UnsafeRawBufferPointer>?, data: Slice<UnsafeRawBufferPointer>, isVerbatim: Bool) {}

    mutating func receive(_ output: TICReader.Output) {
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
            guard frame.groupCount > 0 else { return }
            publish(frame)
        }
    }

    private mutating func publish(_ frame: TICFrame) {
        // A frame checked against the normalizer's family says so (its label index): then neither
        // the family nor the normalizer is copied, as binding them would.
        if frame.labelIndex == nil || normalizer?.family.labelIndex !== frame.labelIndex {
            guard let family else { return }
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
        updateAlarms(present, clearing: !frame.isDegraded)
    }

    /// Raises the alarms that appeared; clears those gone, unless `clearing` is false (a degraded
    /// frame may have lost the alarm's group to a bad checksum: it does not clear anything).
    private mutating func updateAlarms(_ present: [TICNormalizer.ActiveAlarm], clearing: Bool) {
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

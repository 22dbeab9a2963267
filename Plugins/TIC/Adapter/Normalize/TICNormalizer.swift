public import AdapterKit

/// Turns a frame into the normalized vocabulary (ARCHITECTURE.md §3): one measurement, an atomic
/// snapshot of the frame's valid groups, and the alarms the frame holds.
///
/// Works on the frame's bytes: each label is found in the family's byte index and normalized by
/// its ``TICLabelRule``, and the measurement goes straight to a writer (``TICMeasurementSink``):
/// its Protocol Buffers payload for the host, its JSON for `tic-decode`.
public struct TICNormalizer: Sendable {
    /// An alarm label present in a frame (`ADPS`, `PREAVIS`).
    public struct ActiveAlarm: Sendable, Hashable {
        /// The alarm code (`adps`).
        public var code: String
        /// The label that raised it.
        public var label: String
        /// Its data (`045` A for `ADPS`, `DEP` for `PREAVIS`).
        public var data: String
    }

    /// The family whose dictionary gives the meaning of labels.
    public var family: TICFamily {
        didSet { rules = TICLabelRules(family.labels) }
    }
    /// The device id when the frame carries none.
    public var defaultDeviceID: String
    /// The rule of each of the family's labels, in the order of `family.labels`.
    private var rules: TICLabelRules

    public init(family: TICFamily, defaultDeviceID: String) {
        self.family = family
        self.defaultDeviceID = defaultDeviceID
        self.rules = TICLabelRules(family.labels)
    }

    /// The measurement of `frame`: values in SI units, device id, meter time in UTC, tariff
    /// period, and every valid group raw (`LABEL` → data, `LABEL.horodate` → horodate).
    public func measurement(of frame: TICFrame) -> EnergyMeasurement {
        TICMeasurementPayload(bytes: payload(of: frame, deviceID: nil)).measurement
    }

    /// The measurement of `frame` as its Protocol Buffers payload, with `deviceID` if given.
    public func payload(of frame: TICFrame, deviceID: String?) -> [UInt8] {
        // Room for the whole payload at once: a frame's raw entries are about its bytes plus tags,
        // and its values add their quantity, unit and register names. Growing it mid-frame (it
        // doubles, zero-filled) cost a tenth of the historic adapter path at twice the bytes.
        var writer = TICProtobufMeasurementWriter(deviceID: deviceID, defaultDeviceID: defaultDeviceID, capacity: 256 + 3 * frame.byteCount)
        normalize(frame, into: &writer)
        return writer.bytes
    }

    /// Gives the measurement of `frame`, part by part in frame order, to `sink`.
    package func normalize<Sink: TICMeasurementSink>(_ frame: TICFrame, into sink: inout Sink) {
        rules.withView { rules in
            let hasPositions = frame.labelIndex === family.labelIndex
            frame.withGroupSpans { buffer, spans in
                for span in spans {
                    let label = buffer[span.label]
                    let data = buffer[span.data]
                    sink.raw(label: label, data: data, isVerbatim: span.isVerbatim)
                    if let horodate = span.horodate { sink.raw(label: label, horodate: buffer[horodate], isVerbatim: span.isVerbatim) }
                    guard let position = hasPositions ? span.labelPosition : family.position(of: label) else { continue }
                    precondition(position < rules.rules.count, "a label's position is that of its rule")
                    let rule = rules.rules[position]
                    switch rule.role {
                    case .deviceID: sink.deviceID(data)
                    case .meterTime:
                        if let seconds = Self.meterTime(span, in: buffer) { sink.meterTime(secondsSinceEpoch: seconds) }
                    case .tariffPeriod: sink.tariffPeriod(Self.trimmed(data))
                    case .alarm, nil: break
                    }
                    let checked = hasPositions ? span.checkedValue : nil
                    if let value = rule.value(of: data, label: label, position: position, checked: checked, in: rules) {
                        sink.value(value)
                    }
                }
                sink.end()
            }
        }
    }

    /// The alarm labels present in `frame`.
    public func alarms(in frame: TICFrame) -> [ActiveAlarm] {
        guard rules.hasAlarms else { return [] }
        let hasPositions = frame.labelIndex === family.labelIndex
        return rules.withView { rules in
            frame.withGroupSpans { buffer, spans in
                spans.compactMap { span in
                    guard let position = hasPositions ? span.labelPosition : family.position(of: buffer[span.label]),
                        rules.rules[position].role == .alarm
                    else { return nil }
                    let label = String(decoding: buffer[span.label], as: UTF8.self)
                    return ActiveAlarm(
                        code: family.labels[position].alarm ?? label.lowercased(), label: label,
                        data: String(decoding: buffer[span.data], as: UTF8.self)
                    )
                }
            }
        }
    }

    /// The meter's clock: a horodate (standard mode), else the data as `JJ/MM/AA HH:MM:SS`.
    private static func meterTime(_ span: TICGroupSpan, in buffer: UnsafeRawBufferPointer) -> Int64? {
        if let horodate = span.horodate { return TICHorodate(utf8: buffer[horodate])?.secondsSinceEpoch }
        return TICWallTime(utf8: buffer[span.data])?.parisSecondsSinceEpoch
    }

    /// Drops the padding of tariff names: spaces around, dots after (`TH..` → `TH`, `P  ` → `P`).
    static func trimmed(_ data: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        var text = data
        while let last = text.last, last == UInt8(ascii: " ") || last == UInt8(ascii: ".") { text = text.dropLast() }
        while text.first == UInt8(ascii: " ") { text = text.dropFirst() }
        return text
    }
}

public import AdapterKit

/// Turns a frame into the normalized vocabulary (ARCHITECTURE.md §3): one measurement, an atomic
/// snapshot of the frame's valid groups, and the alarms the frame holds.
///
/// Works on the frame's bytes: each label is found in the family's byte index and normalized by
/// its ``TICLabelRule``; strings are made only for what the measurement holds.
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
        didSet { rules = family.labels.map(TICLabelRule.init) }
    }
    /// The device id when the frame carries none.
    public var defaultDeviceID: String
    /// The rule of each of the family's labels, in the order of `family.labels`.
    private var rules: [TICLabelRule]

    public init(family: TICFamily, defaultDeviceID: String) {
        self.family = family
        self.defaultDeviceID = defaultDeviceID
        self.rules = family.labels.map(TICLabelRule.init)
    }

    /// The measurement of `frame`: values in SI units, device id, meter time in UTC, tariff
    /// period, and every valid group raw (`LABEL` → data, `LABEL.horodate` → horodate).
    public func measurement(of frame: TICFrame) -> EnergyMeasurement {
        var measurement = EnergyMeasurement()
        measurement.deviceID = defaultDeviceID
        frame.withGroupSpans { buffer, spans in
            measurement.raw.reserveCapacity(spans.count + spans.count / 2)
            measurement.values.reserveCapacity(spans.count)
            for span in spans {
                let labelBytes = buffer[span.label]
                let rule = family.position(of: labelBytes).map { rules[$0] }
                let label = String(decoding: labelBytes, as: UTF8.self)
                let data = String(decoding: buffer[span.data], as: UTF8.self)
                measurement.raw[label] = data
                if let horodate = span.horodate {
                    let key = rule.map { $0.name == label ? $0.horodateKey : label + ".horodate" } ?? label + ".horodate"
                    measurement.raw[key] = String(decoding: buffer[horodate], as: UTF8.self)
                }
                guard let rule else { continue }
                switch rule.role {
                case .deviceID: measurement.deviceID = data
                case .meterTime:
                    if let seconds = Self.meterTime(span, in: buffer) {
                        measurement.meterTime = EventTime(nanosecondsSinceEpoch: seconds * 1_000_000_000).timestamp
                    }
                case .tariffPeriod: measurement.tariffPeriod = Self.trimmed(buffer[span.data])
                case .alarm, nil: break
                }
                if let value = rule.value(of: buffer[span.data], label: label) { measurement.values.append(value) }
            }
        }
        return measurement
    }

    /// The alarm labels present in `frame`.
    public func alarms(in frame: TICFrame) -> [ActiveAlarm] {
        guard rules.contains(where: { $0.role == .alarm }) else { return [] }
        return frame.withGroupSpans { buffer, spans in
            spans.compactMap { span in
                guard let position = family.position(of: buffer[span.label]), rules[position].role == .alarm else { return nil }
                let label = String(decoding: buffer[span.label], as: UTF8.self)
                return ActiveAlarm(
                    code: rules[position].alarmCode ?? label.lowercased(), label: label,
                    data: String(decoding: buffer[span.data], as: UTF8.self)
                )
            }
        }
    }

    /// The meter's clock: a horodate (standard mode), else the data as `JJ/MM/AA HH:MM:SS`.
    private static func meterTime(_ span: TICGroupSpan, in buffer: UnsafeRawBufferPointer) -> Int64? {
        if let horodate = span.horodate { return TICHorodate(utf8: buffer[horodate])?.secondsSinceEpoch }
        return TICWallTime(utf8: buffer[span.data])?.parisSecondsSinceEpoch
    }

    /// Drops the padding of tariff names: spaces around, dots after (`TH..` → `TH`, `P  ` → `P`).
    static func trimmed(_ data: Slice<UnsafeRawBufferPointer>) -> String {
        var text = data
        while let last = text.last, last == UInt8(ascii: " ") || last == UInt8(ascii: ".") { text = text.dropLast() }
        while text.first == UInt8(ascii: " ") { text = text.dropFirst() }
        return String(decoding: text, as: UTF8.self)
    }
}

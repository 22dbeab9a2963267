import AdapterKit
import EnergyTIC

/// Writes what a ``TICReader`` produced as JSON lines into a byte buffer, and counts it for the
/// summary. Keys are sorted, as in the JSON form of events; the caller sends ``output`` to
/// standard output in large writes.
///
/// A ``TICReaderSink``: valid groups are written from the reader's bytes as it reads them, one
/// line at a time into room made once per line.
struct TICDecodePrinter: TICReaderSink {
    var bytes = 0
    /// The lines written since the caller last emptied it.
    var output = TICJSONBuffer(capacity: 1 << 20)
    /// The family whose dictionary gives frames' measurements (the one the reader identified).
    var family: TICFamily? {
        didSet {
            if family?.name != normalizer?.family.name { normalizer = family.map { TICNormalizer(family: $0, defaultDeviceID: "") } }
        }
    }
    private var frames = 0
    private var degraded = 0
    private var interrupted = 0
    private var rejected: [TICRejectedGroup.Reason: Int] = [:]
    /// The normalizer of ``family``, made once.
    private var normalizer: TICNormalizer?
    /// Writes each frame's measurement as JSON, from the frame's bytes.
    private var measurement = TICJSONMeasurementWriter(defaultDeviceID: "")

    /// Writes the lines of `outputs`.
    mutating func print(_ outputs: [TICReader.Output]) {
        for output in outputs { receive(output) }
    }

    mutating func group(
        label: Slice<UnsafeRawBufferPointer>, horodate: Slice<UnsafeRawBufferPointer>?, data: Slice<UnsafeRawBufferPointer>, isVerbatim: Bool
    ) {
        output.appendGroupLine(label: label, horodate: horodate, data: data, isVerbatim: isVerbatim)
    }

    mutating func receive(_ output: TICReader.Output) {
        switch output {
        case .group(let group):
            let label = Array(group.label.utf8), horodate = Array((group.horodate ?? "").utf8), data = Array(group.data.utf8)
            label.withUnsafeBytes { label in
                horodate.withUnsafeBytes { horodate in
                    data.withUnsafeBytes { data in
                        self.group(label: label[...], horodate: group.horodate != nil ? horodate[...] : nil, data: data[...], isVerbatim: false)
                    }
                }
            }
        case .rejected(let group):
            rejected[group.reason, default: 0] += 1
            let reason = group.reason.rawValue
            let quotedCount = TICJSONWriter.maximumQuotedCount(group.bytes.count) + TICJSONWriter.maximumQuotedCount(reason.utf8.count)
            self.output.write(atMost: 64 + quotedCount) { line in
                line.append("{\"bytes\":")
                line.appendQuoted(latin1: group.bytes)
                line.append(",\"reason\":")
                line.appendQuoted(reason)
                line.append(",\"type\":\"rejected\"}\n")
            }
        case .frame(let frame):
            frames += 1
            if frame.isDegraded { degraded += 1 }
            self.output.write(atMost: 64) { line in
                line.append("{\"groups\":")
                line.append(frame.groupCount)
            }
            if frame.groupCount > 0, normalizer != nil {
                self.output.append(",\"measurement\":")
                // The writer appends the measurement to the output, lent to it: no copy of it.
                swap(&self.output, &measurement.json)
                // `normalizer?` calls the normalizer in place: binding it would copy it, retaining its arrays.
                normalizer?.write(frame, into: &measurement)
                swap(&self.output, &measurement.json)
            }
            self.output.write(atMost: 64) { line in
                line.append(",\"rejected\":")
                line.append(frame.rejected.count)
                line.append(",\"type\":\"frame\"}\n")
            }
        case .interrupted(let frame):
            interrupted += 1
            self.output.append("{\"groups\":")
            self.output.append(frame.groupCount)
            self.output.append(",\"rejected\":")
            self.output.append(frame.rejected.count)
            self.output.append(",\"type\":\"interrupted\"}\n")
        case .locked(let family, let checksum):
            self.output.append("{\"checksum\":")
            self.output.appendQuoted(checksum.rawValue)
            self.output.append(",\"family\":")
            self.output.appendQuoted(family)
            self.output.append(",\"type\":\"locked\"}\n")
        }
    }

    /// The summary line; `groups`: the groups that passed every check (``TICReader/acceptedGroups``).
    mutating func printSummary(checksum: TICChecksumMode?, groups: Int) {
        output.append("{\"bytes\":")
        output.append(bytes)
        output.append(",\"checksum\":")
        if let checksum { output.appendQuoted(checksum.rawValue) } else { output.append("null") }
        output.append(",\"degraded\":")
        output.append(degraded)
        output.append(",\"family\":")
        if let family { output.appendQuoted(family.name) } else { output.append("null") }
        output.append(",\"frames\":")
        output.append(frames)
        output.append(",\"groups\":")
        output.append(groups)
        output.append(",\"interrupted\":")
        output.append(interrupted)
        output.append(",\"rejected\":{")
        for (index, (reason, count)) in rejected.sorted(by: { $0.key.rawValue < $1.key.rawValue }).enumerated() {
            if index > 0 { output.append(",") }
            output.appendQuoted(reason.rawValue)
            output.append(":")
            output.append(count)
        }
        output.append("},\"type\":\"summary\"}\n")
    }
}

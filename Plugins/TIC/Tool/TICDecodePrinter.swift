import AdapterKit
import EnergyTIC

/// Writes what a ``TICReader`` produced as JSON lines into a byte buffer, and counts it for the
/// summary. Keys are sorted, as in the JSON form of events; the caller sends ``output`` to
/// standard output in large writes.
struct TICDecodePrinter {
    var bytes = 0
    /// The lines written since the caller last emptied it.
    var output = TICJSONBuffer(capacity: 1 << 17)
    private var frames = 0
    private var degraded = 0
    private var interrupted = 0
    private var rejected: [TICRejectedGroup.Reason: Int] = [:]
    /// The normalizer of the family identified, made once.
    private var normalizer: TICNormalizer?
    /// Writes each frame's measurement as JSON, from the frame's bytes.
    private var measurement = TICJSONMeasurementWriter(defaultDeviceID: "")

    mutating func print(_ outputs: [TICReader.Output], family: TICFamily?) {
        for output in outputs {
            switch output {
            case .group(let group):
                self.output.append("{\"data\":")
                self.output.appendQuoted(group.data)
                if let horodate = group.horodate {
                    self.output.append(",\"horodate\":")
                    self.output.appendQuoted(horodate)
                }
                self.output.append(",\"label\":")
                self.output.appendQuoted(group.label)
                self.output.append(",\"type\":\"group\"}\n")
            case .rejected(let group):
                rejected[group.reason, default: 0] += 1
                self.output.append("{\"bytes\":")
                self.output.appendQuoted(latin1: group.bytes)
                self.output.append(",\"reason\":")
                self.output.appendQuoted(group.reason.rawValue)
                self.output.append(",\"type\":\"rejected\"}\n")
            case .frame(let frame):
                frames += 1
                if frame.isDegraded { degraded += 1 }
                self.output.append("{\"groups\":")
                self.output.append(frame.groupCount)
                if let family, frame.groupCount > 0 {
                    if normalizer?.family.name != family.name { normalizer = TICNormalizer(family: family, defaultDeviceID: "") }
                    if let normalizer {
                        normalizer.normalize(frame, into: &measurement)
                        self.output.append(",\"measurement\":")
                        self.output.append(measurement.json)
                    }
                }
                self.output.append(",\"rejected\":")
                self.output.append(frame.rejected.count)
                self.output.append(",\"type\":\"frame\"}\n")
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
    }

    /// The summary line; `groups`: the groups that passed every check (``TICReader/acceptedGroups``).
    mutating func printSummary(family: TICFamily?, checksum: TICChecksumMode?, groups: Int) {
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

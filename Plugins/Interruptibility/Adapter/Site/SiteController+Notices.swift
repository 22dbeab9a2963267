import AdapterKit
import Foundation

extension SiteController {
    /// Tells what the trigger noticed: metrics, alarms, audit lines and logs.
    func notice(_ output: FrequencyTrigger.Output) {
        switch output {
        case .tripped:
            break  // the machine's own actions
        case .ignored(let sample, let reason):
            context.increment(counter: "interruptibility_samples_ignored_total", labels: ["point": sample.point, "reason": reason.rawValue])
        case .gapStarted(let point, let since, _):
            raise("frequency_gap", for: point, .warning, "no valid frequency sample from \(point) since \(EventTime(sinceEpoch: since))")
            record("gap", detail: "\(point): no valid sample since \(EventTime(sinceEpoch: since))")
        case .gapEnded(let point, let length):
            clear("frequency_gap", for: point, "\(point) sends valid samples again after \(length)")
            record("gap_ended", detail: "\(point): after \(length)")
        case .refusing(let point, let since, let count, let reason):
            let message = "every sample from \(point) is refused since \(EventTime(sinceEpoch: since)) (\(count) samples, the last one \(reason.rawValue)): the point cannot trip"
            raise("samples_refused", for: point, .critical, message)
            record("samples_refused", detail: message)
        case .refusingEnded(let point, let count):
            clear("samples_refused", for: point, "\(point)'s samples count again after \(count) refused")
            record("samples_refused_ended", detail: "\(point): after \(count) refused")
        case .clockOffset(let point, let offset):
            let message = "the clock of \(point) is \(Self.describe(offset)) the host's (limit \(configuration.maxClockOffsetS)): its samples are judged on its own timeline; set its clock right"
            raise("clock_offset", for: point, .critical, message)
            record("clock_offset", detail: message)
        case .clockOffsetCleared(let point, let offset):
            clear("clock_offset", for: point, "the clock of \(point) is within \(configuration.maxClockOffsetS) of the host's again (\(Self.describe(offset)))")
            record("clock_offset_ended", detail: "\(point): \(Self.describe(offset))")
        case .pickup(let sample, let threshold):
            context.logger.info("frequency below the threshold", metadata: ["point": "\(sample.point)", "frequency": "\(sample.frequency)", "threshold": "\(threshold)"])
        case .reset(let sample, _):
            context.logger.info("frequency back at the threshold", metadata: ["point": "\(sample.point)", "frequency": "\(sample.frequency)"])
        case .confirmed(let sample, _):
            context.logger.notice("under-frequency confirmed", metadata: ["point": "\(sample.point)"])
        }
    }

    /// `offset` as words: a delay of the samples is a clock behind the host's.
    private static func describe(_ offset: Duration) -> String {
        let seconds = Double(offset.components.seconds) + Double(offset.components.attoseconds) / 1e18
        let amount = String(format: "%.3f s", abs(seconds))
        return seconds >= 0 ? "\(amount) behind" : "\(amount) ahead of"
    }
}

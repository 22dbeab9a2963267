public import AdapterKit
import Foundation

/// The configuration of an `Interruptibility` instance: one HTA site (docs/interruptibility.md).
/// Defaults and ranges are the schema's (``schema``), filled in before decoding.
public struct InterruptibilityConfiguration: Decodable, Sendable {
    /// Which time a frequency sample is judged on.
    public enum SampleTime: String, Decodable, Sendable, CaseIterable {
        /// The measurement's `meter_time`, else its event time.
        case measured
        /// The event's time.
        case received
    }

    /// Which power the reports carry.
    public enum PowerQuantity: String, Decodable, Sendable, CaseIterable {
        case activePowerImport = "active_power_import"
        case activePowerExport = "active_power_export"
    }

    /// A frequency measurement point: the measurements of a topic (and device) carrying `frequency`.
    public struct Point: Decodable, Sendable {
        /// The point's name in the audit trail (e.g. the source substation).
        public var name: String
        /// The topic of its measurements (`sites/demo/analyser-a/measurements`).
        public var topic: String
        /// Only this device's measurements, when the topic carries several.
        public var deviceId: String?
    }

    /// A threshold change RTE asked for.
    public struct ThresholdChange: Decodable, Sendable {
        /// From when it applies (RFC 3339).
        public var effective: String
        /// The new threshold in Hz, a multiple of 0.02.
        public var thresholdHz: Double
    }

    /// Where the site's power comes from (the reports' `power`).
    public struct PowerSource: Decodable, Sendable {
        /// The topic of the site's power measurements.
        public var topic: String
        /// The quantity read from them.
        public var quantity: PowerQuantity
    }

    /// A load to shed on a trip and restore after the authorisation.
    public struct ShedTarget: Decodable, Sendable {
        /// The command's `target`: an adapter id or a device id.
        public var target: String
        /// The topic of the commands; default `sites/{site}/{target}/commands`.
        public var topic: String?
    }

    /// The reporting client (seed §2): the RTE API over mutual TLS.
    public struct Reporting: Decodable, Sendable {
        /// `https://host:port/api/data`.
        public var url: String
        /// The client certificate (PEM), relative to the configuration.
        public var clientCertificate: String
        /// The client's private key (PEM): a secret, `file:` or `${ENV}`.
        public var clientKey: String
        /// The CA certificate (PEM) the server's certificate must chain to: it is pinned.
        public var caCertificate: String
        /// Time between reports (2 s).
        public var intervalS: Seconds
        /// Time a request may take (1.5 s, under the interval).
        public var timeoutS: Seconds
        /// Consecutive failures that raise an alarm (3).
        public var failuresBeforeAlarm: Int
    }

    /// `<id-client>_<id-site>`: the reports' `id`.
    public var reportId: String
    /// The frequency measurement points (three in different source substations, by the seed).
    public var points: [Point]
    /// `any`, `majority` or `all`; default `majority`.
    public var vote: VotePolicy
    /// The trip threshold in Hz (49.82), a multiple of 0.02.
    public var thresholdHz: Double
    /// Changes of the threshold with their effective dates.
    public var thresholdChanges: [ThresholdChange]?
    /// Time below the threshold before a trip (3 s).
    public var confirmationS: Seconds
    /// How much shorter than `confirmation_s` a run may span and still trip (20 ms).
    public var confirmationToleranceMs: Milliseconds
    /// Time without a valid sample of a point before its pickup resets and a gap is raised (1 s).
    public var gapLimitS: Seconds
    /// The oldest a sample may be when it arrives (1 s).
    public var staleAfterS: Seconds
    /// The largest clock offset of a point from the host's before a critical alarm (1 s).
    public var maxClockOffsetS: Seconds
    /// Drop-out hysteresis in Hz (0).
    public var hysteresisHz: Double
    /// `measured` (the measurement's `meter_time`, else its event time) or `received` (the event time).
    public var sampleTime: SampleTime
    /// The site's power, for the reports.
    public var power: PowerSource?
    /// The loads to shed.
    public var shed: [ShedTarget]
    /// Whether the site is available (the reports' `available`) when no availability topic says otherwise.
    public var available: Bool
    /// `status` events on this topic set the availability: state `available` or not.
    public var availabilityTopic: String?
    /// The reporting client; none: no reports.
    public var reporting: Reporting?

    /// The schema of the `config` object.
    public static let schema: JSONSchema = .object(
        [
            "report_id": .string(description: "<id-client>_<id-site>: the reports' id.", minLength: 1),
            "points": .array(
                of: .object(
                    [
                        "name": .string(description: "The point's name (e.g. its source substation).", minLength: 1),
                        "topic": .string(description: "The topic of its measurements, which carry frequency.", minLength: 1),
                        "device_id": .string(description: "Only this device's measurements.", minLength: 1),
                    ],
                    required: ["name", "topic"]
                ),
                description: "Frequency measurement points.", minItems: 1, maxItems: 9
            ),
            "vote": .string(description: "How the points decide together.", default: "majority", oneOf: VotePolicy.allCases.map(\.rawValue)),
            "threshold_hz": .number(description: "Trip threshold, Hz, a multiple of 0.02.", minimum: 42.5, maximum: 57.5, default: 49.82),
            "threshold_changes": .array(
                of: .object(
                    [
                        "effective": .string(description: "RFC 3339 date from which it applies.", minLength: 1),
                        "threshold_hz": .number(minimum: 42.5, maximum: 57.5),
                    ],
                    required: ["effective", "threshold_hz"]
                )
            ),
            "confirmation_s": .number(description: "Seconds below the threshold before a trip.", minimum: 0.2, maximum: 60, default: 3),
            "confirmation_tolerance_ms": .integer(
                description: "How much shorter than confirmation_s a run may span and still trip, ms (the seed's clock uncertainty).",
                minimum: 0, maximum: 200, default: 20
            ),
            "max_clock_offset_s": .number(
                description: "A point's clock further than this from the host's raises a critical alarm, s.",
                minimum: 0.01, maximum: 86_400, default: 1
            ),
            "gap_limit_s": .number(description: "Seconds without a valid sample before a pickup resets.", minimum: 0.1, maximum: 60, default: 1),
            "stale_after_s": .number(description: "The oldest a sample may be when it arrives, seconds.", minimum: 0.05, maximum: 3600, default: 1),
            "hysteresis_hz": .number(description: "Drop-out hysteresis, Hz.", minimum: 0, maximum: 1, default: 0),
            "sample_time": .string(default: SampleTime.measured.rawValue, oneOf: SampleTime.allCases.map(\.rawValue)),
            "power": .object(
                [
                    "topic": .string(minLength: 1),
                    "quantity": .string(default: PowerQuantity.activePowerImport.rawValue, oneOf: PowerQuantity.allCases.map(\.rawValue)),
                ],
                required: ["topic"]
            ),
            "shed": .array(
                of: .object(
                    [
                        "target": .string(description: "The command's target (an adapter or a device).", minLength: 1),
                        "topic": .string(description: "Default: sites/{site}/{target}/commands.", minLength: 1),
                    ],
                    required: ["target"]
                ),
                description: "The loads to shed on a trip.", minItems: 1
            ),
            "available": .boolean(description: "The site's availability when no availability topic says otherwise.", default: true),
            "availability_topic": .string(description: "status events here set the availability (state available or not).", minLength: 1),
            "reporting": .object(
                [
                    "url": .string(description: "https://host:port/api/data", pattern: "^https://"),
                    "client_certificate": .string(description: "Client certificate, PEM.", minLength: 1),
                    "client_key": .string(description: "Client private key, PEM.", secret: true),
                    "ca_certificate": .string(description: "The CA the server's certificate must chain to, PEM.", minLength: 1),
                    "interval_s": .number(minimum: 0.1, maximum: 60, default: 2),
                    "timeout_s": .number(minimum: 0.05, maximum: 60, default: 1.5),
                    "failures_before_alarm": .integer(minimum: 1, maximum: 1000, default: 3),
                ],
                required: ["url", "client_certificate", "client_key", "ca_certificate"]
            ),
        ],
        required: ["report_id", "points", "shed"]
    )

    /// Every rule the schema cannot express: RFC 3339 dates, a threshold schedule on the 20 mHz
    /// grid, unique point names, a report timeout under the interval.
    func issues() -> [ConfigurationIssue] {
        var issues: [ConfigurationIssue] = []
        for (index, change) in (thresholdChanges ?? []).enumerated() where RFC3339.parse(change.effective) == nil {
            issues.append(ConfigurationIssue("threshold_changes[\(index)].effective", "\"\(change.effective)\" is not an RFC 3339 date"))
        }
        if issues.isEmpty {
            do {
                _ = try schedule()
            } catch {
                issues.append(ConfigurationIssue("threshold_hz", "\(error) (threshold_hz or threshold_changes)"))
            }
        }
        var names: Set<String> = []
        for (index, point) in points.enumerated() where !names.insert(point.name).inserted {
            issues.append(ConfigurationIssue("points[\(index)].name", "\"\(point.name)\" names two points"))
        }
        if let reporting, reporting.timeoutS >= reporting.intervalS {
            issues.append(ConfigurationIssue(
                "reporting.timeout_s",
                "\(reporting.timeoutS) must be under interval_s (\(reporting.intervalS)): requests must not overlap"
            ))
        }
        return issues
    }

    /// The trip threshold and its scheduled changes (checked by ``issues()``).
    private func schedule() throws -> ThresholdSchedule {
        let changes = (thresholdChanges ?? []).compactMap { change in
            RFC3339.parse(change.effective).map { ThresholdSchedule.Change(effective: $0.sinceEpoch, threshold: Self.millihertz(change.thresholdHz)) }
        }
        return try ThresholdSchedule(initial: Self.millihertz(thresholdHz), changes: changes)
    }

    /// The trigger's settings, from a configuration ``issues()`` accepted (validation runs before
    /// creation); a schedule it would refuse still throws.
    func triggerSettings() throws -> FrequencyTrigger.Settings {
        var settings = FrequencyTrigger.Settings(schedule: try schedule(), vote: vote)
        settings.confirmation = confirmationS.duration
        settings.tolerance = confirmationToleranceMs.duration
        settings.maximumClockOffset = maxClockOffsetS.duration
        settings.gapLimit = gapLimitS.duration
        settings.staleAfter = staleAfterS.duration
        settings.hysteresis = Self.millihertz(hysteresisHz)
        return settings
    }

    private static func millihertz(_ hertz: Double) -> Millihertz {
        Millihertz(hertz: hertz) ?? Millihertz(0)
    }
}

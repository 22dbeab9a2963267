public import AdapterKit

/// The configuration of a `PlantSimulator` instance (docs/plant-simulator.md). Defaults and ranges
/// are the schema's (``schema``), filled in before decoding.
public struct PlantSimulatorConfiguration: Decodable, Sendable {
    /// What the plant is.
    public enum Technology: String, Decodable, Sendable, CaseIterable {
        /// Photovoltaic.
        case pv
        /// Wind turbines.
        case wind

        /// The profile of this technology: `solar` for PV, `wind` for wind.
        var naturalProfile: Profile {
            switch self {
            case .pv: .solar
            case .wind: .wind
            }
        }
    }

    /// How the plant's power varies with time, before any curtailment.
    public enum Profile: String, Decodable, Sendable, CaseIterable {
        /// `peak_w` at every moment.
        case constant
        /// A daylight bell on the UTC clock: 0 before 06:00 and from 20:00, `peak_w` at 13:00.
        case solar
        /// A deterministic, slowly varying fraction of `peak_w` (the same in every run).
        case wind
    }

    /// `pv` or `wind` (default `pv`).
    public var technology: Technology
    /// The plant's peak power, in W (required).
    public var peakW: Double
    /// Time between two published measurements (default 1 s).
    public var intervalS: Seconds
    /// The measurements' `device_id` and a name commands may target; nil: the instance id.
    public var deviceId: String?
    /// The power profile; nil: the technology's (`solar` for `pv`, `wind` for `wind`).
    public var profile: Profile?

    /// The profile in force: the configured one, else the technology's.
    var effectiveProfile: Profile {
        profile ?? technology.naturalProfile
    }

    /// The schema of the `config` object.
    public static let schema: JSONSchema = .object(
        [
            "technology": .string(
                description: "What the plant is: pv or wind.",
                default: Technology.pv.rawValue, oneOf: Technology.allCases.map(\.rawValue)
            ),
            "peak_w": .number(description: "The plant's peak power, W.", minimum: 1, maximum: 1e10),
            "interval_s": .number(description: "Time between two measurements, s.", minimum: 0.1, maximum: 3600, default: 1),
            "device_id": .string(
                description: "The measurements' device_id, which commands may also target (default: the instance id).",
                minLength: 1
            ),
            "profile": .string(
                description: "constant, solar or wind (default: solar for pv, wind for wind).",
                oneOf: Profile.allCases.map(\.rawValue)
            ),
        ],
        required: ["peak_w"]
    )

    /// Refuses a profile that contradicts the technology (`solar` for a wind plant, `wind` for PV).
    func issues() -> [ConfigurationIssue] {
        guard let profile, profile != .constant, profile != technology.naturalProfile else { return [] }
        let fitting = "constant or \(technology.naturalProfile.rawValue)"
        return [ConfigurationIssue("profile", "\(profile.rawValue) does not fit a \(technology.rawValue) plant (\(fitting))")]
    }
}

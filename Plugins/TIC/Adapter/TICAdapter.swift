public import AdapterKit
import Foundation

/// Reads an Enedis meter's TIC (Linky historic and standard, PME-PMI, and families added as
/// JSON dictionaries) from a serial port, a TCP serial server or a capture file, and publishes
/// one normalized `measurement` per frame, `alarm`s (`ADPS`, `PREAVIS`, link lost) and `status`.
public struct TICAdapter: Adapter {
    /// How a capture file is read.
    public enum Pace: String, Decodable, Sendable, CaseIterable {
        /// The bytes at the line's speed.
        case lineRate = "line_rate"
        /// As fast as they can be decoded.
        case fastest
    }

    /// The instance's configuration, decoded from its `config` object in adapters.json. Defaults
    /// and ranges are the schema's (``description``), filled in before decoding.
    public struct Configuration: Decodable, Sendable {
        /// `/dev/ttyUSB0`, `tcp://host:port` or `file:<capture>`.
        public var source: String
        /// `auto` (the default) or a family name: `linky-historic`, `linky-standard`, `pme-pmi`, or one from `dictionaries`.
        public var mode: String
        /// Line speed; default: the family's own (auto on a serial port: tries each until groups check).
        public var baud: Int?
        /// `marked`, `software` or `none`; default `marked` on a serial port, `none` otherwise.
        public var parity: TICParity?
        /// Overrides the family's checksum, e.g. `historic_mode2`.
        public var checksum: TICChecksumMode?
        /// Capture files: `line_rate` (the bytes at the line's speed, the default) or `fastest`.
        public var pace: Pace
        /// Capture files: start again at the end.
        public var loop: Bool
        /// How long without a valid frame before the link is declared lost (default 10 s).
        public var linkTimeout: Seconds
        /// The measurements' device id; default: the meter's address (`ADCO`, `ADSC`, `ADS`), else the instance id.
        public var deviceId: String?
        /// JSON files of more families (a family object or an array of them), relative to the configuration.
        public var dictionaries: [String]?
    }

    /// Declares the `TIC` type, its configuration schema and its streams.
    public static let description = AdapterDescription(
        typeName: "TIC",
        version: "1.0.0",
        summary: "Enedis meter TIC (Linky historic/standard, PME-PMI) from a serial port (7E1), a TCP serial server or a capture, normalized.",
        configurationSchema: .object(
            [
                "source": .string(description: "Serial device path, tcp://host:port, or file:<capture> (relative to the configuration).", minLength: 1),
                "mode": .string(description: "auto, linky-historic, linky-standard, pme-pmi, or a family from dictionaries.", default: "auto", minLength: 1),
                "baud": .integer(description: "Line speed (default: the family's; auto on a serial port tries each).", oneOf: [1200, 2400, 4800, 9600, 19200]),
                "parity": .string(description: "marked (7E1, driver-reported), software (8N1, checked here) or none.", oneOf: TICParity.allCases.map(\.rawValue)),
                "checksum": .string(description: "Overrides the family's checksum.", oneOf: TICChecksumMode.allCases.map(\.rawValue)),
                "pace": .string(default: Pace.lineRate.rawValue, oneOf: Pace.allCases.map(\.rawValue)),
                "loop": .boolean(description: "Capture files: start again at the end.", default: false),
                "link_timeout": .number(description: "Seconds without a valid frame before the link is lost.", minimum: 0.1, maximum: 3600, default: 10),
                "device_id": .string(description: "Device id of the measurements (default: the meter's address)."),
                "dictionaries": .array(of: .string(minLength: 1), description: "JSON files of more meter families."),
            ],
            required: ["source"]
        ),
        publishes: [
            .init(stream: "measurements", kind: .measurement),
            .init(stream: "alarms", kind: .alarm),
            .init(stream: "status", kind: .status),
        ]
    )

    let configuration: Configuration
    let context: AdapterContext
    let address: TICSourceAddress
    let families: [TICFamily]
    let parity: TICParity

    /// Refuses a malformed source, a capture that cannot be read, a dictionary file that cannot be
    /// loaded and a mode that names no known family. A serial device or TCP server that is not
    /// there yet is not a mistake: it is retried at run time.
    public static func validate(_ configuration: Configuration, in environment: ValidationEnvironment) -> [ConfigurationIssue] {
        var issues: [ConfigurationIssue] = []
        if case .failure(let error) = source(of: configuration, resolvePath: environment.resolvePath) {
            issues.append(ConfigurationIssue("source", error.message))
        }
        do {
            _ = try families(of: configuration, resolvePath: environment.resolvePath)
        } catch let error as TICFamilyIssue {
            issues.append(ConfigurationIssue(error.path, error.message))
        } catch {
            issues.append(ConfigurationIssue("dictionaries", "\(error)"))
        }
        return issues
    }

    /// The source to read, capture paths resolved and checked.
    private static func source(of configuration: Configuration, resolvePath: (String) -> String) -> Result<TICSourceAddress, AdapterError> {
        switch TICSourceAddress.parse(configuration.source) {
        case .failure(let error): return .failure(AdapterError(.invalidConfiguration, error.description))
        case .success(.capture(let path)):
            let resolved = resolvePath(path)
            guard FileManager.default.isReadableFile(atPath: resolved) else {
                return .failure(AdapterError(.invalidConfiguration, "cannot read the capture \(resolved)"))
            }
            return .success(.capture(path: resolved))
        case .success(let address): return .success(address)
        }
    }

    /// The built-in families and those of `dictionaries`; the configured mode must name one.
    private static func families(of configuration: Configuration, resolvePath: (String) -> String) throws -> [TICFamily] {
        let families: [TICFamily]
        do {
            families = try TICDictionaryFile.families(adding: (configuration.dictionaries ?? []).map(resolvePath))
        } catch {
            throw TICFamilyIssue(path: "dictionaries", message: "\(error)")
        }
        if configuration.mode != "auto", !families.contains(where: { $0.name == configuration.mode }) {
            throw TICFamilyIssue(path: "mode", message: "\"\(configuration.mode)\" is not auto or a known family (\(families.map(\.name).joined(separator: ", ")))")
        }
        return families
    }

    /// Checks the source, mode, dictionaries and capture file now (``validate(_:in:)`` did too).
    public init(configuration: Configuration, context: AdapterContext) throws {
        self.configuration = configuration
        self.context = context
        let address: TICSourceAddress
        switch Self.source(of: configuration, resolvePath: context.resolvePath) {
        case .success(let resolved): address = resolved
        case .failure(let error): throw AdapterError(.invalidConfiguration, "config.source: \(error.message)")
        }
        self.address = address
        do {
            self.families = try Self.families(of: configuration, resolvePath: context.resolvePath)
        } catch let error as TICFamilyIssue {
            throw AdapterError(.invalidConfiguration, "config.\(error.path): \(error.message)")
        }
        if case .serial = address {
            parity = configuration.parity ?? .marked
        } else {
            parity = configuration.parity ?? .none
        }
    }

    /// Reads and publishes until graceful shutdown.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await read(clock: context.clock)
            }
        } catch is CancellationError {
            context.logger.debug("TIC reading stopped")
        }
    }

    private func read<C: Clock<Duration>>(clock: C) async throws {
        var reading = TICReading(adapter: self, clock: clock)
        try await reading.run()
    }

    /// A new session as configured.
    func makeSession() -> TICSession {
        let reader: TICReader
        if let family = families.first(where: { $0.name == configuration.mode }) {
            reader = TICReader(family: family, checksum: configuration.checksum, reportsGroups: false)
        } else {
            reader = TICReader(detecting: families, reportsGroups: false)
        }
        return TICSession(
            reader: reader,
            parity: parity,
            linkTimeout: configuration.linkTimeout.duration,
            deviceID: configuration.deviceId,
            defaultDeviceID: context.instanceID
        )
    }

    /// The speeds to try, in order: the configured one, the family's, or every family's.
    var speeds: [Int] {
        if let baud = configuration.baud { return [baud] }
        if let family = families.first(where: { $0.name == configuration.mode }) { return [family.baudRates.first ?? 1200] }
        var speeds: [Int] = []
        for speed in [9600, 1200] + families.flatMap(\.baudRates) where !speeds.contains(speed) && TICFamily.lineSpeeds.contains(speed) {
            speeds.append(speed)
        }
        return speeds
    }
}

/// A problem with the families a configuration names, at its path inside `config`.
private struct TICFamilyIssue: Error {
    var path: String
    var message: String
}

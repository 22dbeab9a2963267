public import AdapterKit
import Foundation

/// Reads an Enedis meter's TIC (Linky historic and standard, PME-PMI, and families added as
/// JSON dictionaries) from a serial port, a TCP serial server or a capture file, and publishes
/// one normalized `measurement` per frame, `alarm`s (`ADPS`, `PREAVIS`, link lost) and `status`.
public struct TICAdapter: Adapter {
    /// The instance's configuration, decoded from its `config` object in adapters.json.
    public struct Configuration: Decodable, Sendable {
        /// `/dev/ttyUSB0`, `tcp://host:port` or `file:<capture>`.
        public var source: String
        /// `auto` (the default) or a family name: `linky-historic`, `linky-standard`, `pme-pmi`, or one from `dictionaries`.
        public var mode: String = "auto"
        /// Line speed; default: the family's own (auto on a serial port: tries each until groups check).
        public var baud: Int?
        /// `marked`, `software` or `none`; default `marked` on a serial port, `none` otherwise.
        public var parity: String?
        /// Overrides the family's checksum, e.g. `historic_mode2`.
        public var checksum: String?
        /// Capture files: `line_rate` (the bytes at the line's speed, the default) or `fastest`.
        public var pace: String = "line_rate"
        /// Capture files: start again at the end.
        public var loop: Bool = false
        /// Seconds without a valid frame before the link is declared lost (default 10).
        public var linkTimeout: Double = 10
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
                "pace": .string(default: "line_rate", oneOf: ["line_rate", "fastest"]),
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

    /// Checks the source, mode, dictionaries and capture file now; a serial device or TCP server
    /// that is not there yet is retried at run time.
    public init(configuration: Configuration, context: AdapterContext) throws {
        self.configuration = configuration
        self.context = context
        var address = try TICSourceAddress.parse(configuration.source).get()
        if case .capture(let path) = address {
            address = .capture(path: context.resolvePath(path))
            guard FileManager.default.isReadableFile(atPath: context.resolvePath(path)) else {
                throw AdapterError(.invalidConfiguration, "source: cannot read the capture \(context.resolvePath(path))")
            }
        }
        self.address = address
        self.families = try TICDictionaryFile.families(adding: (configuration.dictionaries ?? []).map(context.resolvePath))
        if configuration.mode != "auto", !families.contains(where: { $0.name == configuration.mode }) {
            throw AdapterError(.invalidConfiguration, "mode \"\(configuration.mode)\" is not auto or a known family (\(families.map(\.name).joined(separator: ", ")))")
        }
        if case .serial = address {
            parity = configuration.parity.flatMap(TICParity.init(rawValue:)) ?? .marked
        } else {
            parity = configuration.parity.flatMap(TICParity.init(rawValue:)) ?? .none
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
            reader = TICReader(family: family, checksum: configuration.checksum.flatMap(TICChecksumMode.init(rawValue:)), reportsGroups: false)
        } else {
            reader = TICReader(detecting: families, reportsGroups: false)
        }
        return TICSession(
            reader: reader,
            parity: parity,
            linkTimeout: .milliseconds(Int64((configuration.linkTimeout * 1000).rounded())),
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

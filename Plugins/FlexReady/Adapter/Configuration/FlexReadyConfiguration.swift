public import AdapterKit

/// The configuration of a `FlexReady` instance in the BACS role: where its server listens, who
/// may call it, and the BACS it serves with their assets and potentials (docs/flexready.md,
/// "Settings"). Defaults and ranges are the schema's (``schema``).
public struct FlexReadyConfiguration: Decodable, Sendable {
    /// A fixed window a potential applies in.
    public struct Window: Decodable, Sendable {
        public var start: String
        public var end: String
    }

    /// The référentiel's recurring period: days of a year, then months, weekdays and GMT hours.
    public struct YearPeriod: Decodable, Sendable {
        public var startDay: String
        public var endDay: String
    }

    /// One `PotentielFlex`: fixed `windows`, or a `yearPeriod` with `months`, `weekdays`, `hours`.
    public struct Potential: Decodable, Sendable {
        public var powerKw: Double
        public var mobilizationDelayMin: Int
        public var maxDurationMin: Int
        public var maxActivationsPerDay: Int
        public var windows: [Window]?
        public var yearPeriod: YearPeriod?
        public var months: [Int]?
        public var weekdays: [Int]?
        public var hours: [Int]?
    }

    /// An asset of a BACS.
    public struct Asset: Decodable, Sendable {
        public var id: String
        public var flexProduct: String
        public var potentials: [Potential]
    }

    /// A BACS served by this instance.
    public struct BACS: Decodable, Sendable {
        public var id: String
        public var level: Int
        public var minimumPrice: Double?
        public var assets: [Asset]
    }

    /// A static bearer token and who it stands for.
    public struct Client: Decodable, Sendable {
        public var name: String
        public var token: String
    }

    /// The operator role: a client of a remote BACS (docs/flexready.md, "The operator role").
    public struct Operator: Decodable, Sendable {
        /// A request run once when the instance starts: getBACSAssets, askFlex, confirm, realise.
        public struct Scenario: Decodable, Sendable {
            public var requestId: String
            public var powerKw: Double
            public var start: String
            public var end: String
        }

        /// The BACS's base URL, with the emulator's session path (`http://…/api/v1/{session_id}`).
        public var bacsUrl: String
        /// The bearer token sent to the BACS.
        public var token: String?
        /// Extra headers sent with every call (an API key).
        public var headers: [String: String]?
        /// The CA the BACS's certificate must chain to (PEM file); the system's roots otherwise.
        public var caCertificate: String?
        /// The BACS and the asset requests are for.
        public var bacsId: String
        public var assetId: String
        /// The product asked for (`WID`).
        public var flexProduct: String
        /// The BACS's level of flexibility (2): at level 2 askFlex carries `asking_price`.
        public var level: Int
        /// The price offered at level 2, EUR/MWh.
        public var askingPrice: Double?
        /// A request run once at start (the demo's).
        public var runOnStart: Scenario?
    }

    /// The supplier's signal (`GetCommodityPriceExchange`).
    public struct Supplier: Decodable, Sendable {
        /// The supplier API's base URL.
        public var url: String
        /// The bearer token sent to it.
        public var token: String?
        /// The building's id (ID_bat), the request's entry point.
        public var buildingId: String
        /// The delivery point (PDL), 14 digits.
        public var dp: String
        /// How many hours ahead (`DateTimeInterval`).
        public var hours: Int
        /// Minutes between two calls (quota: 15 at least; the référentiel recommends once a day).
        public var everyMin: Int
    }

    /// RTE's EcoWatt signal (API `ecowatt` v5, OAuth 2 client credentials).
    public struct EcoWatt: Decodable, Sendable {
        /// The API's base URL.
        public var url: String
        /// The token endpoint, a path on `url` or a whole URL.
        public var tokenPath: String
        public var clientId: String
        public var clientSecret: String
        /// Minutes between two calls (quota: 15 at least).
        public var everyMin: Int
    }

    /// The address the server listens on (`127.0.0.1`).
    public var host: String
    /// Its port (8470).
    public var port: Int
    /// A path in front of every route (`""`; the emulator calls `/{session_id}/bacs/…`).
    public var basePath: String
    /// The largest request body accepted (64 KiB).
    public var maxBodyBytes: Int
    /// Static bearer tokens of the operators allowed.
    public var clients: [Client]?
    /// A shared secret for HS256 JSON Web Tokens (at least 32 bytes).
    public var jwtHs256Secret: String?
    /// The public key (or certificate) of RS256 JSON Web Tokens, a PEM file.
    public var jwtRs256PublicKey: String?
    /// Serve without authentication (false; for a loopback demo only).
    public var allowAnonymous: Bool
    /// Unknown identifiers within 10 minutes that raise the possible-intrusion alarm (5).
    public var intrusionThreshold: Int
    /// `emulator`: serve the emulator's data set (Annex 1) instead of ``bacs``.
    public var dataSet: String?
    /// Level of the data set's BACS (2).
    public var dataSetLevel: Int
    /// The BACS served.
    public var bacs: [BACS]?
    /// The meter of each asset: `"{bacs_id}/{asset_id}"` → the id of the adapter whose
    /// measurements are that asset's (its consumption is their energy index).
    public var meters: [String: String]?
    /// Level 2: where the BACS sends acceptFlexRequest, the operator's base URL (the emulator's
    /// `…/api/v1/{session_id}/operator`); none: no acceptance is sent.
    public var acceptUrl: String?
    /// The bearer token sent with acceptFlexRequest.
    public var acceptToken: String?
    /// The operator role, when this instance calls a remote BACS.
    public var `operator`: Operator?
    /// The supplier's signal, published as `tariff_signal`.
    public var supplier: Supplier?
    /// RTE's EcoWatt signal, published as `tariff_signal`.
    public var ecowatt: EcoWatt?

    /// Whether the instance serves the BACS role (a data set or BACS are configured).
    public var servesBACS: Bool { dataSet != nil || !(bacs ?? []).isEmpty }

    static let identifier = "^[A-Za-z0-9._~-]+$"

    /// The schema of the `config` object.
    public static let schema: JSONSchema = .object(
        [
            "host": .string(description: "The address the BACS server listens on.", default: "127.0.0.1", minLength: 1),
            "port": .integer(description: "Its port (0: any free port, for tests).", minimum: 0, maximum: 65_535, default: 8470),
            "base_path": .string(description: "A path in front of every route (the emulator's /{session_id}).", default: "",
                                 pattern: "^(/[A-Za-z0-9._~-]+)*$"),
            "max_body_bytes": .integer(description: "The largest request body accepted.", minimum: 1024, maximum: 1_048_576, default: 65_536),
            "clients": .array(
                of: .object(["name": .string(pattern: identifier, minLength: 1), "token": .string(description: "A static bearer token.", secret: true)],
                            required: ["name", "token"]),
                description: "Operators allowed, each with a static bearer token.", maxItems: 1000
            ),
            "jwt_hs256_secret": .string(description: "A shared secret for HS256 JSON Web Tokens (32 bytes at least).", secret: true),
            "jwt_rs256_public_key": .string(description: "The public key or certificate (PEM file) of RS256 JSON Web Tokens.", minLength: 1),
            "allow_anonymous": .boolean(description: "Serve without authentication (a loopback demo only).", default: false),
            "intrusion_threshold": .integer(description: "Unknown identifiers within 10 minutes that raise the possible-intrusion alarm.",
                                            minimum: 1, maximum: 1000, default: 5),
            "data_set": .string(description: "emulator: the emulator's data set (Annex 1) instead of bacs.", oneOf: ["emulator"]),
            "data_set_level": .integer(description: "The level of the data set's BACS.", default: 2, oneOf: [1, 2]),
            "meters": .map(
                of: .string(pattern: identifier, minLength: 1),
                description: "The meter of each asset: \"{bacs_id}/{asset_id}\" -> the adapter id whose measurements it is."
            ),
            "accept_url": .string(description: "Level 2: the operator's base URL, where acceptFlexRequest is sent.", pattern: "^https?://[^ ]+$"),
            "accept_token": .string(description: "The bearer token sent with acceptFlexRequest.", secret: true),
            "operator": operatorSchema,
            "supplier": .object(
                [
                    "url": .string(description: "The supplier API's base URL.", pattern: "^https?://[^ ]+$"),
                    "token": .string(description: "The bearer token sent to it.", secret: true),
                    "building_id": .string(description: "The building's id (ID_bat).", minLength: 1),
                    "dp": .string(description: "The delivery point (PDL), 14 digits.", pattern: "^[0-9]{14}$"),
                    "hours": .integer(description: "How many hours ahead (DateTimeInterval).", minimum: 1, maximum: 168, default: 24),
                    "every_min": .integer(description: "Minutes between two calls (the quota: 15 at least).", minimum: 15, maximum: 10_080, default: 1440),
                ],
                required: ["url", "building_id", "dp"],
                description: "The supplier's signal (GetCommodityPriceExchange), published as tariff_signal."
            ),
            "ecowatt": .object(
                [
                    "url": .string(description: "The API's base URL.", default: "https://digital.iservices.rte-france.com", pattern: "^https?://[^ ]+$"),
                    "token_path": .string(description: "The OAuth 2 token endpoint: a path on url, or a whole URL.", default: "/token/oauth/", minLength: 1),
                    "client_id": .string(minLength: 1),
                    "client_secret": .string(secret: true),
                    "every_min": .integer(description: "Minutes between two calls (the quota: 15 at least).", minimum: 15, maximum: 1440, default: 15),
                ],
                required: ["client_id", "client_secret"],
                description: "RTE's EcoWatt signal (v5), published as tariff_signal."
            ),
            "bacs": .array(
                of: .object(
                    [
                        "id": .string(pattern: identifier, minLength: 1),
                        "level": .integer(oneOf: [1, 2]),
                        "minimum_price": .number(description: "Level 2: the lowest askingPrice accepted, EUR/MWh.", minimum: 0, maximum: 1_000_000),
                        "assets": .array(of: .object(
                            [
                                "id": .string(pattern: identifier, minLength: 1),
                                "flex_product": .string(oneOf: FlexProduct.allCases.map(\.rawValue)),
                                "potentials": .array(of: potentialSchema, minItems: 1, maxItems: 100),
                            ],
                            required: ["id", "flex_product", "potentials"]
                        ), minItems: 1, maxItems: 1000),
                    ],
                    required: ["id", "level", "assets"]
                ),
                maxItems: 1000
            ),
        ]
    )

    private static let operatorSchema: JSONSchema = .object(
        [
            "bacs_url": .string(description: "The BACS's base URL, with the emulator's session path.", pattern: "^https?://[^ ]+$"),
            "token": .string(description: "The bearer token sent to the BACS.", secret: true),
            "headers": .map(of: .string(), description: "Extra headers sent with every call (an API key)."),
            "ca_certificate": .string(description: "The CA the BACS's certificate must chain to (PEM file).", minLength: 1),
            "bacs_id": .string(pattern: identifier, minLength: 1),
            "asset_id": .string(pattern: identifier, minLength: 1),
            "flex_product": .string(default: "WID", oneOf: FlexProduct.allCases.map(\.rawValue)),
            "level": .integer(description: "The BACS's level of flexibility.", default: 2, oneOf: [1, 2]),
            "asking_price": .number(description: "Level 2: the price offered, EUR/MWh.", minimum: 0, maximum: 1_000_000),
            "run_on_start": .object(
                [
                    "request_id": .string(pattern: identifier, minLength: 1),
                    "power_kw": .number(minimum: 0.001, maximum: 1_000_000),
                    "start": .string(minLength: 19), "end": .string(minLength: 19),
                ],
                required: ["request_id", "power_kw", "start", "end"],
                description: "A request run once at start: getBACSAssets, askFlex, confirm, realise."
            ),
        ],
        required: ["bacs_url", "bacs_id", "asset_id"],
        description: "The operator role: a client of a remote BACS."
    )

    private static let potentialSchema: JSONSchema = .object(
        [
            "power_kw": .number(description: "The power the asset can shed, kW.", minimum: 0.001, maximum: 1_000_000),
            "mobilization_delay_min": .integer(minimum: 0, maximum: 10_080, default: 60),
            "max_duration_min": .integer(minimum: 1, maximum: 10_080),
            "max_activations_per_day": .integer(minimum: 1, maximum: 96, default: 1),
            "windows": .array(of: .object(["start": .string(minLength: 19), "end": .string(minLength: 19)], required: ["start", "end"]),
                              minItems: 1, maxItems: 10_000),
            "year_period": .object(["start_day": .string(minLength: 10), "end_day": .string(minLength: 10)], required: ["start_day", "end_day"]),
            "months": .array(of: .integer(minimum: 1, maximum: 12), maxItems: 12),
            "weekdays": .array(of: .integer(minimum: 1, maximum: 7), maxItems: 7),
            "hours": .array(of: .integer(minimum: 0, maximum: 23), maxItems: 24),
        ],
        required: ["power_kw", "max_duration_min"]
    )
}

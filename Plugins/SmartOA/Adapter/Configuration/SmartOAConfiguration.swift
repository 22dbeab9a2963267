public import AdapterKit
import AdapterKitHTTPClient

/// The configuration of a `SmartOA` instance: the accounts of one producer or manager
/// ("gestionnaire") on EDF OA's Smart OA platform, their contracts and the plant each contract
/// drives (docs/smartoa.md). Defaults and ranges are the schema's (``schema``).
public struct SmartOAConfiguration: Decodable, Sendable {
    /// The platform's environment.
    public enum Environment: String, Decodable, Sendable, CaseIterable {
        /// EDF OA's test platform.
        case recette
        case production
    }

    /// When an order revision is acknowledged to the platform.
    public enum AcknowledgePolicy: String, Decodable, Sendable, CaseIterable {
        /// As soon as it is stored in the ledger.
        case onReceipt = "on_receipt"
        /// A stop order once the plant confirmed its curtailment (`command_ack` `executed`);
        /// other revisions (orders at 0, cancellations) on receipt.
        case afterPlant = "after_plant"
    }

    /// One purchase-obligation contract and the plant that obeys its orders.
    public struct Contract: Decodable, Sendable {
        /// The contract's id on the platform.
        public var contractId: String
        /// The adapters (or devices) that receive `curtail` / `release` commands.
        public var targets: [String]
        /// When its orders are acknowledged (default `on_receipt`).
        public var acknowledge: AcknowledgePolicy
    }

    /// One account (one token) on the platform: a manager has one per producer.
    public struct Account: Decodable, Sendable {
        /// A name for logs, alarms and the operator view.
        public var name: String
        /// The bearer token: a secret (`${ENV}` or `file:`).
        public var token: String
        /// When the token expires (RFC 3339, or a date `YYYY-MM-DD` read as midnight UTC).
        public var tokenExpires: String?
        /// The account's contracts.
        public var contracts: [Contract]
    }

    /// Which platform (default `recette`).
    public var environment: Environment
    /// The API's base URL of each environment (`https://…`); the one of ``environment`` is used.
    public var baseUrls: [String: String]
    /// A CA certificate (PEM) the platform's certificate must chain to; default: the system's roots.
    public var caCertificate: String?
    /// Time a request may take (10 s).
    public var requestTimeoutS: Seconds
    /// Time between polls of an account (120 s; the platform expects 1 to 5 minutes).
    public var pollIntervalS: Seconds
    /// A random part added to each interval, up to this (10 s), so gateways spread their polls.
    public var pollJitterS: Seconds
    /// Time between full resynchronisations (contracts and the whole window), 3600 s.
    public var resyncIntervalS: Seconds
    /// The window polled reaches this far back (24 h)…
    public var windowPastH: Int
    /// …and this far ahead (48 h).
    public var windowFutureH: Int
    /// Items asked for per page (100; the platform may answer fewer).
    public var pageSize: Int
    /// Time the plant has to confirm a command before the `plant_ack_missing` alarm (60 s).
    public var plantAckTimeoutS: Seconds
    /// The accounts.
    public var accounts: [Account]

    /// The schema of the `config` object.
    public static let schema: JSONSchema = .object(
        [
            "environment": .string(default: Environment.recette.rawValue, oneOf: Environment.allCases.map(\.rawValue)),
            "base_urls": .map(of: .string(pattern: "^https://"), description: "The API's base URL per environment (recette, production)."),
            "ca_certificate": .string(description: "The CA the platform's certificate must chain to, PEM (default: system roots).", minLength: 1),
            "request_timeout_s": .number(minimum: 0.5, maximum: 120, default: 10),
            "poll_interval_s": .number(description: "Seconds between polls (the platform expects 60 to 300).", minimum: 5, maximum: 3600, default: 120),
            "poll_jitter_s": .number(description: "Random seconds added to each interval, at most.", minimum: 0, maximum: 600, default: 10),
            "resync_interval_s": .number(description: "Seconds between full resynchronisations.", minimum: 60, maximum: 86_400, default: 3600),
            "window_past_h": .integer(description: "Hours back the polled window reaches.", minimum: 1, maximum: 168, default: 24),
            "window_future_h": .integer(description: "Hours ahead the polled window reaches.", minimum: 1, maximum: 336, default: 48),
            "page_size": .integer(minimum: 1, maximum: 1000, default: 100),
            "plant_ack_timeout_s": .number(description: "Seconds the plant has to confirm a command.", minimum: 1, maximum: 86_400, default: 60),
            "accounts": .array(
                of: .object(
                    [
                        "name": .string(pattern: "^[A-Za-z0-9_.-]+$", minLength: 1),
                        "token": .string(description: "The account's bearer token.", secret: true),
                        "token_expires": .string(description: "When the token expires: RFC 3339 or YYYY-MM-DD.", minLength: 10),
                        "contracts": .array(
                            of: .object(
                                [
                                    "contract_id": .string(minLength: 1),
                                    "targets": .array(of: .string(pattern: "^[^/+#]+$", minLength: 1), minItems: 1, maxItems: 100),
                                    "acknowledge": .string(default: AcknowledgePolicy.onReceipt.rawValue, oneOf: AcknowledgePolicy.allCases.map(\.rawValue)),
                                ],
                                required: ["contract_id", "targets"]
                            ),
                            minItems: 1, maxItems: 10_000
                        ),
                    ],
                    required: ["name", "token", "contracts"]
                ),
                minItems: 1, maxItems: 1000
            ),
        ],
        required: ["base_urls", "accounts"]
    )

    /// The base URL of ``environment``.
    var baseURL: String { baseUrls[environment.rawValue] ?? "" }

    /// Every rule the schema cannot express: the environment's URL, unique names and contracts,
    /// expiry dates, the CA file.
    func issues(resolvePath: (String) -> String) -> [ConfigurationIssue] {
        var issues: [ConfigurationIssue] = []
        if baseUrls[environment.rawValue] == nil {
            issues.append(ConfigurationIssue("base_urls", "no URL for the environment \"\(environment.rawValue)\""))
        }
        var names: Set<String> = [], contracts: Set<String> = []
        for (index, account) in accounts.enumerated() {
            if !names.insert(account.name).inserted {
                issues.append(ConfigurationIssue("accounts[\(index)].name", "\"\(account.name)\" names two accounts"))
            }
            if let expires = account.tokenExpires, Self.expiry(expires) == nil {
                issues.append(ConfigurationIssue("accounts[\(index)].token_expires", "\"\(expires)\" is not an RFC 3339 date or YYYY-MM-DD"))
            }
            for (position, contract) in account.contracts.enumerated() where !contracts.insert(contract.contractId).inserted {
                issues.append(ConfigurationIssue(
                    "accounts[\(index)].contracts[\(position)].contract_id", "\"\(contract.contractId)\" is configured twice"
                ))
            }
        }
        if issues.isEmpty {
            issues += clientSettings(token: nil).issues(resolvePath: resolvePath)
        }
        return issues
    }

    /// The HTTP client's settings (the token goes with each request: one client serves every account).
    func clientSettings(token: String?) -> HTTPClientSettings {
        HTTPClientSettings(
            baseURL: baseURL,
            connectTimeout: requestTimeoutS.duration,
            requestTimeout: requestTimeoutS.duration,
            trust: caCertificate.map { .pinned(caFile: $0) } ?? .systemRoots,
            trustKey: "ca_certificate",
            bearerToken: token,
            maximumConnections: 4
        )
    }

    /// An expiry date: RFC 3339, or `YYYY-MM-DD` as midnight UTC.
    static func expiry(_ text: String) -> EventTime? {
        RFC3339.parse(text) ?? (text.count == 10 ? RFC3339.parse(text + "T00:00:00Z") : nil)
    }
}

public import Foundation

/// What the simulated Smart OA platform holds when it starts: accounts (tokens), contracts, and
/// curtailment orders with their revisions over time. Read from JSON with snake_case keys:
///
/// ```json
/// {
///   "accounts": [{"token": "t0k3n", "name": "producer-a", "contracts": ["OA-PV-0001"]},
///                {"token": "old", "expired": true, "contracts": []}],
///   "contracts": [{"id": "OA-PV-0001", "name": "Ferme PV", "technology": "PV",
///                  "contractual_power_kw": 12000, "status": "ACTIVE"}],
///   "curtailments": [{"id": "CUR-1", "contract": "OA-PV-0001", "revisions": [
///       {"after_s": 0, "start_in_s": 60, "end_in_s": 960, "value": 0},
///       {"after_s": 30, "end": "2026-04-01T10:30:00+02:00"},
///       {"after_s": 45, "status": "CANCELLED"}]}],
///   "options": {"max_page_size": 100, "declared_addresses": ["127.0.0.1"], "record_file": "smartoa-record.jsonl"}
/// }
/// ```
///
/// - An account's `name` (default `account-N`, N its position from 1) names it in the record;
///   `expired: true` answers 401 to every call with its token.
/// - A contract's `status` defaults to `ACTIVE`; `technology` is `PV` or `WIND`.
/// - A revision becomes visible `after_s` seconds after the simulator started (default 0). Its
///   window is absolute (`start`, `end`: RFC 3339 with an offset) or relative (`start_in_s`,
///   `end_in_s`: seconds from the simulator's start), each bound on its own. A field a revision
///   leaves out (`start`, `end`, `value`, `status`) is the previous revision's; the first needs a
///   window and a `value` (0 or 1); `status` defaults to `ACTIVE`. `version` defaults to the
///   revision's position from 1 and must grow from one revision to the next.
/// - `options.max_page_size` (default 100) caps a page's `size`; `declared_addresses` lists the
///   client addresses allowed (absent or empty: all); `record_file` is a JSON Lines file where
///   the simulator writes every request and acknowledgement it receives.
public struct SmartOAScenario: Sendable, Codable, Hashable {
    /// A token and the contracts it may see.
    public struct Account: Sendable, Codable, Hashable {
        public var token: String
        /// Names the account in the record (default `account-N`).
        public var name: String?
        /// When true, every call with this token is answered 401.
        public var expired: Bool?
        /// The ids of the contracts the token may see.
        public var contracts: [String]

        public init(token: String, name: String? = nil, expired: Bool? = nil, contracts: [String]) {
            self.token = token
            self.name = name
            self.expired = expired
            self.contracts = contracts
        }
    }

    /// A purchase-obligation contract.
    public struct Contract: Sendable, Codable, Hashable {
        public var id: String
        public var name: String
        public var technology: SmartOATechnology
        public var contractualPowerKw: Double
        /// `ACTIVE` when absent.
        public var status: String?

        public init(id: String, name: String, technology: SmartOATechnology, contractualPowerKw: Double, status: String? = nil) {
            self.id = id
            self.name = name
            self.technology = technology
            self.contractualPowerKw = contractualPowerKw
            self.status = status
        }
    }

    /// A curtailment order and its successive revisions.
    public struct Curtailment: Sendable, Codable, Hashable {
        public var id: String
        /// The contract's id.
        public var contract: String
        public var revisions: [Revision]

        public init(id: String, contract: String, revisions: [Revision]) {
            self.id = id
            self.contract = contract
            self.revisions = revisions
        }
    }

    /// One revision of an order; absent fields are the previous revision's.
    public struct Revision: Sendable, Codable, Hashable {
        /// Seconds after the simulator's start when the revision becomes visible (default 0).
        public var afterS: Double?
        /// Absolute window bounds (RFC 3339 with an offset).
        public var start: String?
        public var end: String?
        /// Window bounds in seconds from the simulator's start.
        public var startInS: Double?
        public var endInS: Double?
        /// 0 (no stop requested) or 1 (stop requested).
        public var value: Int?
        public var status: SmartOAOrderStatus?
        /// Default: the revision's position from 1.
        public var version: Int?

        public init(
            afterS: Double? = nil, start: String? = nil, end: String? = nil, startInS: Double? = nil, endInS: Double? = nil,
            value: Int? = nil, status: SmartOAOrderStatus? = nil, version: Int? = nil
        ) {
            self.afterS = afterS
            self.start = start
            self.end = end
            self.startInS = startInS
            self.endInS = endInS
            self.value = value
            self.status = status
            self.version = version
        }
    }

    /// How the platform serves.
    public struct Options: Sendable, Codable, Hashable {
        /// The largest page served (default 100).
        public var maxPageSize: Int?
        /// The client addresses allowed; absent or empty: all.
        public var declaredAddresses: [String]?
        /// The JSON Lines file of received requests and acknowledgements, emptied at start.
        public var recordFile: String?

        public init(maxPageSize: Int? = nil, declaredAddresses: [String]? = nil, recordFile: String? = nil) {
            self.maxPageSize = maxPageSize
            self.declaredAddresses = declaredAddresses
            self.recordFile = recordFile
        }
    }

    public var accounts: [Account]
    public var contracts: [Contract]
    public var curtailments: [Curtailment]?
    public var options: Options?

    public init(accounts: [Account], contracts: [Contract], curtailments: [Curtailment]? = nil, options: Options? = nil) {
        self.accounts = accounts
        self.contracts = contracts
        self.curtailments = curtailments
        self.options = options
    }

    /// The scenario in `data` (JSON, snake_case keys).
    public static func decode(_ data: Data) throws -> SmartOAScenario {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(SmartOAScenario.self, from: data)
    }

    /// The scenario in the file at `path`.
    public static func load(path: String) throws -> SmartOAScenario {
        try decode(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// A contract's technology.
public enum SmartOATechnology: String, Sendable, Codable, Hashable {
    case pv = "PV"
    case wind = "WIND"
}

/// An order revision's status.
public enum SmartOAOrderStatus: String, Sendable, Codable, Hashable {
    case active = "ACTIVE"
    case cancelled = "CANCELLED"
}

/// A scenario or a run-time change the simulator refuses (an unknown contract, a window that ends
/// before it starts, a version that does not grow...).
public struct SmartOAScenarioError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

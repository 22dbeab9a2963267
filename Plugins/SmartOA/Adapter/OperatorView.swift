import AdapterKit
import Foundation

/// What an operator asks with the command `orders` (`energy-host ctl command site/smartoa orders`):
/// each contract's current and next orders with their acknowledgement state, the plant's last
/// command, and each account's last poll, as JSON in the acknowledgement's `detail`.
struct OperatorView: Encodable {
    struct Order: Encodable {
        var curtailmentId: String
        var version: Int64
        var start: String
        var end: String
        var value: Int
        var status: String
        var acknowledgement: String
        var attempts: Int
        var acknowledgedAt: String?
    }

    struct Contract: Encodable {
        var contractId: String
        var account: String
        var acknowledge: String
        /// Whether the plant must be stopped now.
        var stopNow: Bool
        var current: [Order]
        var next: [Order]
        var lastCommand: String?
    }

    struct Poll: Encodable {
        var account: String
        var time: String?
        var outcome: String
        var detail: String
        var requests: Int
        var resync: Bool
    }

    var contracts: [Contract]
    var polls: [Poll]

    /// The view at `now`, from the ledger (every revision not ended, with its acknowledgement).
    static func make(configuration: SmartOAConfiguration, ledger: SmartOALedger, state: SmartOAState, plant: PlantDriver, at now: EventTime) async throws -> OperatorView {
        var contracts: [Contract] = []
        for account in configuration.accounts {
            for contract in account.contracts {
                let rows = try await ledger.rows(of: contract.contractId, endingFrom: now)
                let latest = Dictionary(rows.map { ($0.order.curtailmentID, $0) }, uniquingKeysWith: { $0.order.version >= $1.order.version ? $0 : $1 })
                let orders = latest.values.sorted { ($0.order.start, $0.order.curtailmentID) < ($1.order.start, $1.order.curtailmentID) }
                contracts.append(Contract(
                    contractId: contract.contractId, account: account.name, acknowledge: contract.acknowledge.rawValue,
                    stopNow: state.withBook { $0.stopPeriod(of: contract.contractId, at: now) != nil },
                    current: orders.filter { $0.order.start <= now }.map(order), next: orders.filter { $0.order.start > now }.map(order),
                    lastCommand: plant.lastCommand(of: contract.contractId).map { "\($0.action) \($0.id)" }
                ))
            }
        }
        let polls = state.polls
        return OperatorView(
            contracts: contracts,
            polls: configuration.accounts.map { account in
                let poll = polls[account.name]
                return Poll(account: account.name, time: poll.map { "\($0.time)" }, outcome: poll?.outcome ?? "not_yet",
                            detail: poll?.detail ?? "", requests: poll?.requests ?? 0, resync: poll?.resync ?? false)
            }
        )
    }

    /// The view as one JSON object, keys in snake_case and sorted.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    private static func order(_ row: SmartOALedger.Row) -> Order {
        Order(
            curtailmentId: row.order.curtailmentID, version: row.order.version, start: "\(row.order.start)", end: "\(row.order.end)",
            value: row.order.stop ? 1 : 0, status: row.order.status.rawValue, acknowledgement: row.state.rawValue,
            attempts: row.attempts, acknowledgedAt: row.acknowledged.map { "\($0)" }
        )
    }
}

import AdapterKit
import Foundation

/// The platform's data: accounts, contracts, orders and the acknowledgements it accepted. A value
/// kept under the simulator's lock; no HTTP here.
struct SmartOAPlatform: Sendable {
    struct Account: Sendable {
        var name: String
        var expired: Bool
        var contracts: Set<String>
    }

    /// An acknowledgement the platform accepted (201).
    struct Acknowledgement: Sendable {
        var id: String
        var curtailmentId: String
        var version: Int
        var acknowledgedAt: Date
        var receivedAt: Date
    }

    /// Whether an account may read a contract.
    enum Access: Equatable {
        case allowed
        case unknownContract
        case otherAccount
    }

    let startedAt: Date
    var accounts: [String: Account] = [:]
    var contracts: [SmartOAContract] = []
    var orders: [String: SmartOAOrder] = [:]
    /// Order ids in the order they were first given.
    var orderIds: [String] = []
    var acknowledgements: [Acknowledgement] = []

    /// The scenario's data, relative times counted from `startedAt`; throws on the first
    /// inconsistency.
    init(scenario: SmartOAScenario, startedAt: Date) throws {
        self.startedAt = startedAt
        for contract in scenario.contracts {
            try addContract(SmartOAContract(contract))
        }
        for (index, account) in scenario.accounts.enumerated() {
            guard accounts[account.token] == nil else { throw SmartOAScenarioError("accounts[\(index)]: the token is given twice") }
            for id in account.contracts where !contracts.contains(where: { $0.contractId == id }) {
                throw SmartOAScenarioError("accounts[\(index)]: unknown contract \(id)")
            }
            accounts[account.token] = Account(
                name: account.name ?? "account-\(index + 1)", expired: account.expired ?? false, contracts: Set(account.contracts)
            )
        }
        for curtailment in scenario.curtailments ?? [] {
            try addOrder(curtailment)
        }
    }

    /// Adds `contract`, or replaces the contract with its id.
    mutating func addContract(_ contract: SmartOAContract) throws {
        guard contract.status.isEmpty == false, contract.contractId.isEmpty == false else {
            throw SmartOAScenarioError("a contract needs an id and a status")
        }
        if let index = contracts.firstIndex(where: { $0.contractId == contract.contractId }) {
            contracts[index] = contract
        } else {
            contracts.append(contract)
        }
    }

    /// Adds `revision`, visible from `now`; returns its version.
    mutating func publish(_ revision: SmartOARevision, at now: Date) throws -> Int {
        guard contracts.contains(where: { $0.contractId == revision.contractId }) else {
            throw SmartOAScenarioError("curtailment \(revision.curtailmentId): unknown contract \(revision.contractId)")
        }
        var order = orders[revision.curtailmentId] ?? SmartOAOrder(id: revision.curtailmentId, contractId: revision.contractId, revisions: [])
        guard order.contractId == revision.contractId else {
            throw SmartOAScenarioError("curtailment \(order.id) belongs to contract \(order.contractId)")
        }
        let version = revision.version ?? order.highestVersion + 1
        try order.append(.init(
            start: revision.start, end: revision.end, value: revision.value, status: revision.status, version: version, visibleFrom: now
        ))
        store(order)
        return version
    }

    /// A new version of the order `id`, cancelled, visible from `now`; returns its version.
    mutating func cancel(_ id: String, at now: Date) throws -> Int {
        guard let order = orders[id], let latest = order.revisions.max(by: { $0.version < $1.version }) else {
            throw SmartOAScenarioError("unknown curtailment \(id)")
        }
        return try publish(
            SmartOARevision(curtailmentId: id, contractId: order.contractId, start: latest.start, end: latest.end, value: latest.value, status: .cancelled),
            at: now
        )
    }

    /// Whether the account of `token` may read `contractId`.
    func access(_ token: String, contractId: String) -> Access {
        guard contracts.contains(where: { $0.contractId == contractId }) else { return .unknownContract }
        return accounts[token]?.contracts.contains(contractId) == true ? .allowed : .otherAccount
    }

    private mutating func store(_ order: SmartOAOrder) {
        if orders[order.id] == nil { orderIds.append(order.id) }
        orders[order.id] = order
    }

    private mutating func addOrder(_ curtailment: SmartOAScenario.Curtailment) throws {
        guard orders[curtailment.id] == nil else { throw SmartOAScenarioError("curtailment \(curtailment.id) is given twice") }
        guard contracts.contains(where: { $0.contractId == curtailment.contract }) else {
            throw SmartOAScenarioError("curtailment \(curtailment.id): unknown contract \(curtailment.contract)")
        }
        guard !curtailment.revisions.isEmpty else { throw SmartOAScenarioError("curtailment \(curtailment.id) has no revision") }
        var order = SmartOAOrder(id: curtailment.id, contractId: curtailment.contract, revisions: [])
        var previous: SmartOAOrder.Stored?
        for (index, revision) in curtailment.revisions.enumerated() {
            let place = "curtailment \(curtailment.id) revision \(index + 1)"
            guard let start = try time(revision.start, relative: revision.startInS, place: place + " start") ?? previous?.start,
                let end = try time(revision.end, relative: revision.endInS, place: place + " end") ?? previous?.end,
                let value = revision.value ?? previous?.value
            else { throw SmartOAScenarioError("\(place): the first revision needs a start, an end and a value") }
            let stored = SmartOAOrder.Stored(
                start: start, end: end, value: value, status: revision.status ?? previous?.status ?? .active,
                version: revision.version ?? index + 1, visibleFrom: startedAt.addingTimeInterval(revision.afterS ?? 0)
            )
            try order.append(stored)
            previous = stored
        }
        store(order)
    }

    /// An absolute RFC 3339 time, or seconds from the start; nil when neither is given.
    private func time(_ absolute: String?, relative: Double?, place: String) throws -> Date? {
        switch (absolute, relative) {
        case (let text?, nil):
            guard let time = RFC3339.parse(text) else { throw SmartOAScenarioError("\(place): \(text) is not an RFC 3339 time") }
            return time.date
        case (nil, let seconds?): return startedAt.addingTimeInterval(seconds)
        case (nil, nil): return nil
        case (_?, _?): throw SmartOAScenarioError("\(place): give an absolute time or seconds from the start, not both")
        }
    }
}

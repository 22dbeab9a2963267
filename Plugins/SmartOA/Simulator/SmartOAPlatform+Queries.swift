import Foundation

extension SmartOAPlatform {
    /// What `POST /acknowledgements` did.
    enum AcknowledgementResult {
        case created(Acknowledgement)
        /// The first acknowledgement of the same curtailment and version.
        case duplicate(Acknowledgement)
        case unknownCurtailment
        case unknownVersion
        case forbidden
    }

    /// The contracts the account of `token` sees, in the scenario's order.
    func contracts(of token: String) -> [SmartOAContract] {
        let visible = accounts[token]?.contracts ?? []
        return contracts.filter { visible.contains($0.contractId) }
    }

    /// The orders of `contractId` whose current window overlaps `[from, to)` at `now`, by start.
    func curtailments(contractId: String, from: Date, to: Date, at now: Date) -> [CurtailmentItem] {
        orderIds.compactMap { id -> (Date, CurtailmentItem)? in
            guard let order = orders[id], order.contractId == contractId, let current = order.current(at: now),
                let createdAt = order.createdAt(at: now), current.start < to, from < current.end
            else { return nil }
            let item = CurtailmentItem(
                curtailmentId: order.id, contractId: order.contractId, start: SmartOATime.format(current.start),
                end: SmartOATime.format(current.end), value: current.value, version: current.version, status: current.status,
                createdAt: SmartOATime.format(createdAt), updatedAt: SmartOATime.format(current.visibleFrom)
            )
            return (current.start, item)
        }
        .enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element.1)
    }

    /// The accepted acknowledgements of orders of `contractId` whose current window overlaps
    /// `[from, to)` at `now`, in the order they were received.
    func acknowledgements(contractId: String, from: Date, to: Date, at now: Date) -> [AcknowledgementItem] {
        acknowledgements.filter { acknowledgement in
            guard let order = orders[acknowledgement.curtailmentId], order.contractId == contractId,
                let current = order.current(at: now)
            else { return false }
            return current.start < to && from < current.end
        }
        .map(AcknowledgementItem.init)
    }

    /// Stores the acknowledgement of `body` by the account of `token`, unless it is a duplicate or
    /// names nothing the account may acknowledge.
    mutating func acknowledge(_ body: AcknowledgementBody, acknowledgedAt: Date, token: String, at now: Date) -> AcknowledgementResult {
        guard let order = orders[body.curtailmentId], order.current(at: now) != nil else { return .unknownCurtailment }
        guard access(token, contractId: order.contractId) == .allowed else { return .forbidden }
        guard order.hasVersion(body.version, at: now) else { return .unknownVersion }
        if let first = acknowledgements.first(where: { $0.curtailmentId == body.curtailmentId && $0.version == body.version }) {
            return .duplicate(first)
        }
        let acknowledgement = Acknowledgement(
            id: String(format: "ACK-%06d", acknowledgements.count + 1), curtailmentId: body.curtailmentId, version: body.version,
            acknowledgedAt: acknowledgedAt, receivedAt: now
        )
        acknowledgements.append(acknowledgement)
        return .created(acknowledgement)
    }
}

import AdapterKit

/// The bus events of the BACS role: a stored request becomes `flex_request`, its confirmation
/// `flex_confirmation` (docs/events.md), for the site's controller.
enum FlexEvents {
    /// The request: its id (`{bacs}/{asset}/{requestID}`), its period, `down` (the building sheds),
    /// its largest step's power in W, and its answer's status (and reason) as the reason.
    static func request(_ entry: FlexRequestBook.Entry) -> EnergyFlexRequest {
        var request = EnergyFlexRequest()
        request.id = "\(entry.bacsID)/\(entry.assetID)/\(entry.requestID)"
        request.start = timestamp(entry.body.power.map(\.start).min()!).timestamp
        request.end = timestamp(entry.body.power.map(\.end).max()!).timestamp
        request.direction = "down"
        request.power = entry.body.power.map(\.power.watts).max() ?? 0
        switch entry.decision {
        case .refused(let reason): request.reason = "refused: \(reason)"
        case .receivedWithoutCommitment(let warnings): request.reason = (["recuSansEngagement"] + warnings).joined(separator: "; ")
        default: request.reason = entry.decision.status
        }
        return request
    }

    /// The confirmation: accepted unless refused, the power committed (the counter-proposal's when
    /// the answer modified it), in W.
    static func confirmation(_ entry: FlexRequestBook.Entry) -> EnergyFlexConfirmation {
        var confirmation = EnergyFlexConfirmation()
        confirmation.requestID = "\(entry.bacsID)/\(entry.assetID)/\(entry.requestID)"
        var power = entry.body.power
        if case .modified(let capped) = entry.decision { power = capped }
        confirmation.accepted = true
        confirmation.power = power.map(\.power.watts).max() ?? 0
        confirmation.detail = "confirmed by the operator (\(entry.decision.status))"
        return confirmation
    }

    private static func timestamp(_ time: FlexTime) -> EventTime {
        EventTime(nanosecondsSinceEpoch: time.secondsSinceEpoch * 1_000_000_000)
    }

    /// What explains a decision beside its status: the refusal's reason, the warnings, the modified power.
    static func reason(of decision: FlexRequestEvaluator.Decision) -> String? {
        switch decision {
        case .accepted: nil
        case .refused(let reason): reason
        case .receivedWithoutCommitment(let warnings): warnings.isEmpty ? nil : warnings.joined(separator: "; ")
        case .modified(let power): "power offered " + power.map { "\(JSONValue.format($0.power.watts / 1000)) kW from \($0.start)" }.joined(separator: ", ")
        }
    }
}

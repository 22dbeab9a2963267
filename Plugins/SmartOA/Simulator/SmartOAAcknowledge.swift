import AdapterKitHTTPServer
import Foundation
import Hummingbird
import Synchronization

extension SmartOASimulator {
    /// `POST /acknowledgements`: refused when ``refuseAcknowledgements(status:)`` says so, else
    /// checked and stored; recorded in every case, then answered, after the hold of
    /// ``holdAcknowledgements(for:)`` when there is one.
    func acknowledge(_ data: Data, token: String, account: String) async throws -> Response {
        let receivedAt = now()
        let body = try? JSONDecoder().decode(AcknowledgementBody.self, from: data)
        let acknowledgedAt = body.flatMap { SmartOATime.parse($0.acknowledgedAt) }
        let (result, refusal, hold) = state.withLock { state -> (SmartOAPlatform.AcknowledgementResult?, Int?, Duration?) in
            let hold = state.faults.acknowledgementHold
            if let refusal = state.faults.acknowledgementRefusal { return (nil, refusal, hold) }
            guard let body, let acknowledgedAt else { return (nil, nil, hold) }
            return (state.platform.acknowledge(body, acknowledgedAt: acknowledgedAt, token: token, at: receivedAt), nil, hold)
        }
        let (outcome, response, acknowledgementId) = Self.answer(result, refusal: refusal)
        record(SmartOAAcknowledgementRecord(
            curtailmentId: body?.curtailmentId, version: body?.version, acknowledgedAt: body?.acknowledgedAt, receivedAt: receivedAt,
            outcome: outcome, status: response.status.code, account: account, acknowledgementId: acknowledgementId
        ))
        if let hold { try await Task.sleep(for: hold) }
        return response
    }

    /// The outcome, the answer and the acknowledgement's id of `result` (nil: malformed, or
    /// refused with `refusal`).
    private static func answer(
        _ result: SmartOAPlatform.AcknowledgementResult?, refusal: Int?
    ) -> (SmartOAAcknowledgementRecord.Outcome, Response, String?) {
        switch result {
        case .created(let acknowledgement)?:
            let response = (try? json(.created, AcknowledgementItem(acknowledgement))) ?? Response(status: .internalServerError)
            return (.created, response, acknowledgement.id)
        case .duplicate(let first)?:
            let response = JSONResponses.json(.conflict, ["error": "already acknowledged", "acknowledgementId": first.id])
            return (.duplicate, response, first.id)
        case .unknownCurtailment?:
            return (.unknownCurtailment, JSONResponses.error(.notFound, "unknown curtailment"), nil)
        case .unknownVersion?:
            return (.unknownVersion, JSONResponses.error(.unprocessableContent, "unknown version of the curtailment"), nil)
        case .forbidden?:
            return (.forbidden, JSONResponses.error(.forbidden, "curtailment of another account's contract"), nil)
        case nil:
            if let refusal {
                return (.refused, JSONResponses.error(HTTPResponse.Status(code: refusal), "acknowledgement refused (simulated)"), nil)
            }
            let message = "malformed body: curtailmentId (string), version (integer) and acknowledgedAt (RFC 3339) are required"
            return (.malformed, JSONResponses.error(.badRequest, message), nil)
        }
    }
}

import AdapterKit
import Foundation
import Hummingbird
import Logging

/// `POST /reload` and `POST /adapters/{site}/{id}/restart`: an operator's actions on the host
/// itself (an operator's bearer token), each recorded in the operator audit like a command.
struct OperatorActionRoute: Sendable {
    let operators: [AdminOperator]
    let audit: OperatorAudit
    let reload: @Sendable () async -> ReloadReport
    /// Restarts an instance: nil when there is no such instance, false when it is not running.
    let restart: @Sendable (_ site: String, _ id: String) -> Bool?
    let now: @Sendable () -> EventTime
    let logger: Logger

    func add(to router: Router<BasicRequestContext>) {
        router.post("/reload") { request, _ -> Response in
            let issuer = try authenticate(request)
            let report = await reload()
            let detail = report.applied
                ? "added \(report.added.count), removed \(report.removed.count), restarted \(report.restarted.count), kept \(report.kept.count)"
                : report.errors.prefix(3).joined(separator: "; ")
            await record(issuer, site: "", adapter: "", action: "reload", outcome: report.applied ? "applied" : "refused", status: report.applied ? 200 : 422, detail: detail)
            return try JSONBody(report).response(status: report.applied ? .ok : .unprocessableContent)
        }
        router.post("/adapters/:site/:id/restart") { request, context -> Response in
            let issuer = try authenticate(request)
            let site = context.parameters.get("site") ?? "", id = context.parameters.get("id") ?? ""
            let (status, outcome, detail): (HTTPResponse.Status, String, String) = switch restart(site, id) {
            case true?: (.accepted, "restarting", "the instance stops, then starts again at once")
            case false?: (.conflict, "not_running", "\(site)/\(id) is not running: its supervisor restarts it by its policy")
            case nil: (.notFound, "unknown_adapter", "no adapter \(site)/\(id) on this host")
            }
            await record(issuer, site: site, adapter: id, action: "restart", outcome: outcome, status: Int(status.code), detail: detail)
            return try JSONBody(ActionReply(outcome: outcome, detail: detail)).response(status: status)
        }
    }

    private func authenticate(_ request: Request) throws -> AdminOperator {
        guard !operators.isEmpty else {
            throw HTTPError(.forbidden, message: "operator actions are disabled: host.admin.operators names no operator")
        }
        guard let issuer = AdminOperator.authenticated(by: request.headers[.authorization], among: operators) else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "an operator's token is required: Authorization: Bearer <token>")
        }
        return issuer
    }

    private func record(_ issuer: AdminOperator, site: String, adapter: String, action: String, outcome: String, status: Int, detail: String) async {
        let entry = OperatorAuditEntry(
            time: "", operatorName: issuer.name, site: site, adapter: adapter, action: action, reference: "", reason: "",
            commandId: "", outcome: outcome, httpStatus: status, detail: detail
        )
        do {
            try await audit.record(entry, at: now())
        } catch {
            logger.error("operator action not recorded in the audit", metadata: ["error": "\(error)", "action": "\(action)"])
        }
        logger.notice("operator action", metadata: ["operator": "\(issuer.name)", "action": "\(action)", "site": "\(site)", "adapter.id": "\(adapter)", "outcome": "\(outcome)"])
    }
}

/// The body of an operator action's answer.
struct ActionReply: Codable, Sendable {
    var outcome: String
    var detail: String
}

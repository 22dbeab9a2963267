import AdapterKit
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `POST /adapters/{site}/{id}/commands` and `GET /audit/commands`: operators' commands, each
/// attempt (accepted or refused) recorded in the ``OperatorAudit`` before it is answered.
struct OperatorCommandRoute: Sendable {
    /// The largest command body read.
    static let maximumBody = 64 * 1024

    let operators: [AdminOperator]
    let commands: OperatorCommands
    let audit: OperatorAudit
    let statuses: @Sendable () -> [AdapterStatus]
    let now: @Sendable () -> EventTime
    let logger: Logger

    func add(to router: Router<BasicRequestContext>) {
        router.post("/adapters/:site/:id/commands") { request, context -> Response in
            let site = context.parameters.get("site") ?? "", id = context.parameters.get("id") ?? ""
            var entry = OperatorAuditEntry(
                time: "", operatorName: "", site: site, adapter: id, action: "", reference: "", reason: "",
                commandId: "", outcome: "", httpStatus: 0, detail: ""
            )
            let status = await attempt(request, context: context, entry: &entry)
            entry.httpStatus = Int(status.code)
            do {
                try await audit.record(entry, at: now())
            } catch {
                logger.error("operator command not recorded in the audit", metadata: ["error": "\(error)", "command.id": "\(entry.commandId)"])
            }
            logger.notice(
                "operator command",
                metadata: ["operator": "\(entry.operatorName)", "site": "\(site)", "adapter.id": "\(id)", "action": "\(entry.action)",
                           "command.id": "\(entry.commandId)", "reference": "\(entry.reference)", "outcome": "\(entry.outcome)"]
            )
            let reply = OperatorCommandReply(
                id: entry.commandId, action: entry.action, issuedBy: entry.operatorName, reference: entry.reference,
                outcome: entry.outcome, detail: entry.detail
            )
            var headers: HTTPFields = [:]
            if entry.outcome == "unauthenticated" { headers[.wwwAuthenticate] = "Bearer" }
            return try JSONBody(reply).response(status: status, headers: headers)
        }
        router.get("/audit/commands") { request, _ -> Response in
            guard AdminOperator.authenticated(by: request.headers[.authorization], among: operators) != nil else {
                throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "an operator's token is required: Authorization: Bearer <token>")
            }
            let limit = request.uri.queryParameters.get("limit").flatMap(Int.init).map { min(max($0, 1), 10_000) } ?? 100
            return try JSONBody(AuditList(commands: try await audit.entries(limit: limit))).response()
        }
    }

    /// Decides the attempt, filling `entry` with what was asked and how it ended; returns the status.
    private func attempt(_ request: Request, context: BasicRequestContext, entry: inout OperatorAuditEntry) async -> HTTPResponse.Status {
        func refuse(_ outcome: String, _ status: HTTPResponse.Status, _ detail: String) -> HTTPResponse.Status {
            entry.outcome = outcome
            entry.detail = detail
            return status
        }
        guard !operators.isEmpty else {
            return refuse("commands_disabled", .forbidden, "commands are disabled: host.admin.operators names no operator")
        }
        guard let issuer = AdminOperator.authenticated(by: request.headers[.authorization], among: operators) else {
            let presented = request.headers[.authorization] != nil
            return refuse("unauthenticated", .unauthorized, presented ? "the token is not an operator's" : "an operator's token is required: Authorization: Bearer <token>")
        }
        entry.operatorName = issuer.name
        let body: OperatorCommandRequest
        do {
            let bytes = try await request.body.collect(upTo: Self.maximumBody)
            let document = try JSONValue.parse(Data(bytes.readableBytesView))
            body = try JSONDecoder().decode(OperatorCommandRequest.self, from: Data(document.jsonText.utf8))
        } catch is NIOTooManyBytesError {
            return refuse("bad_request", .badRequest, "the body is larger than \(Self.maximumBody) bytes")
        } catch let error as JSONParseError {
            return refuse("bad_request", .badRequest, "the body must be \(OperatorCommandRequest.shape): \(error)")
        } catch let error as DecodingError {
            let reason = ConfigurationDecoder.describe(error, under: JSONPath([.key("body")]))
            return refuse("bad_request", .badRequest, "the body must be \(OperatorCommandRequest.shape): \(reason)")
        } catch {
            return refuse("bad_request", .badRequest, "the body could not be read")
        }
        entry.action = body.action
        entry.reference = body.givenReference ?? ""
        entry.reason = body.reason ?? ""
        guard statuses().contains(where: { $0.site == entry.site && $0.id == entry.adapter }) else {
            return refuse("unknown_adapter", .notFound, "no adapter \(entry.site)/\(entry.adapter) on this host")
        }
        if let problem = body.problem {
            return refuse(problem.outcome, .badRequest, problem.description)
        }
        let command: EnergyCommand
        let outcome: OperatorCommands.Outcome
        do {
            (command, outcome) = try await commands.send(body, site: entry.site, adapter: entry.adapter, issuer: issuer)
        } catch {
            return refuse("bus_refused", .serviceUnavailable, "the command could not be published: \(error)")
        }
        entry.commandId = command.id
        switch outcome {
        case .acknowledged(let ack):
            entry.outcome = ack.outcome
            entry.detail = ack.detail
            switch ack.ackOutcome {
            case .accepted, .executed: return .ok
            case .rejected: return .conflict
            case .failed, nil: return .badGateway  // an outcome outside the vocabulary is a failure
            }
        case .noAcknowledgement:
            return refuse("no_ack", .gatewayTimeout, "\(entry.site)/\(entry.adapter) did not acknowledge the command in time")
        case .refused:
            return refuse("bus_refused", .serviceUnavailable, "the bus refused the command: a lossless subscriber of its topic is full")
        }
    }
}

/// The body of `GET /audit/commands`.
struct AuditList: Encodable, Sendable {
    var commands: [OperatorAuditEntry]
}

import AdapterKit
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The admin HTTP API (loopback by default): health, Prometheus metrics and adapter states.
///
/// - `GET /health`: `{"status": "ok"}` with 200 while no adapter has failed for good, else 503
///   with `"degraded"` and the failed adapters.
/// - `GET /metrics`: Prometheus text exposition.
/// - `GET /adapters`: every instance's state, counters and last error.
/// - `GET /adapters/{site}/{id}`: one instance.
/// - `POST /adapters/{site}/{id}/commands`: an operator's command to an instance (bearer token of
///   `host.admin.operators`), answered with the instance's acknowledgement.
struct AdminServer {
    let listen: ListenAddress
    let hostID: String
    let metrics: HostMetrics
    let statuses: @Sendable () -> [AdapterStatus]
    let operators: [AdminOperator]
    let commands: OperatorCommands
    let logger: Logger
    /// Called with the bound port once listening (useful with port 0).
    let onListening: @Sendable (Int) async -> Void

    func makeApplication() -> some ApplicationProtocol {
        let router = Router()
        let hostID = self.hostID
        let statuses = self.statuses
        let metrics = self.metrics
        router.get("/health") { _, _ -> Response in
            let report = HealthReport(host: hostID, adapters: statuses())
            return try JSONBody(report).response(status: report.status == "ok" ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ -> Response in
            _ = statuses()
            let headers: HTTPFields = [.contentType: "text/plain; version=0.0.4; charset=utf-8"]
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        router.get("/adapters") { _, _ in try JSONBody(AdapterList(adapters: statuses())).response() }
        router.get("/adapters/:site/:id") { _, context -> Response in
            let site = context.parameters.get("site")
            let id = context.parameters.get("id")
            guard let status = statuses().first(where: { $0.site == site && $0.id == id }) else {
                throw HTTPError(.notFound, message: "no adapter \(site ?? "")/\(id ?? "")")
            }
            return try JSONBody(status).response()
        }
        addCommandRoute(to: router)
        let onListening = self.onListening
        return Application(
            router: router,
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "energy-host"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }
}

extension AdminServer {
    /// `POST /adapters/{site}/{id}/commands`.
    private func addCommandRoute(to router: Router<BasicRequestContext>) {
        let operators = self.operators
        let commands = self.commands
        let statuses = self.statuses
        let logger = self.logger
        router.post("/adapters/:site/:id/commands") { request, context -> Response in
            guard !operators.isEmpty else {
                throw HTTPError(.forbidden, message: "commands are disabled: host.admin.operators names no operator")
            }
            guard let issuer = AdminOperator.authenticated(by: request.headers[.authorization], among: operators) else {
                throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "an operator's token is required: Authorization: Bearer <token>")
            }
            let site = context.parameters.get("site") ?? "", id = context.parameters.get("id") ?? ""
            guard statuses().contains(where: { $0.site == site && $0.id == id }) else {
                throw HTTPError(.notFound, message: "no adapter \(site)/\(id)")
            }
            let body: OperatorCommands.Request
            do {
                body = try await request.decode(as: OperatorCommands.Request.self, context: context)
            } catch {
                throw HTTPError(.badRequest, message: "the body must be {\"action\": …, \"reference\"?, \"reason\"?, \"value\"?, \"unit\"?}: \(error)")
            }
            guard body.action.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil else {
                throw HTTPError(.badRequest, message: "action \"\(body.action)\" must match [a-z][a-z0-9_]*")
            }
            let (command, outcome) = try await commands.send(body, site: site, adapter: id, issuer: issuer)
            logger.notice(
                "operator command",
                metadata: ["operator": "\(issuer.name)", "site": "\(site)", "adapter.id": "\(id)", "action": "\(command.action)",
                           "command.id": "\(command.id)", "reference": "\(command.reference)"]
            )
            var reply = CommandReply(id: command.id, action: command.action, issuedBy: issuer.name, reference: command.reference)
            switch outcome {
            case .acknowledged(let ack):
                reply.outcome = ack.outcome
                reply.detail = ack.detail
                let status: HTTPResponse.Status = switch ack.outcome {
                case "accepted", "executed": .ok
                case "rejected": .conflict
                default: .badGateway
                }
                return try JSONBody(reply).response(status: status)
            case .noAcknowledgement:
                reply.outcome = "no_ack"
                reply.detail = "\(site)/\(id) did not acknowledge the command in time"
                return try JSONBody(reply).response(status: .gatewayTimeout)
            case .refused:
                reply.outcome = "refused"
                reply.detail = "the bus refused the command: a lossless subscriber of its topic is full"
                return try JSONBody(reply).response(status: .serviceUnavailable)
            }
        }
    }
}

/// The body answering `POST /adapters/{site}/{id}/commands`.
struct CommandReply: Encodable, Sendable {
    var id: String
    var action: String
    var issuedBy: String
    var reference: String
    /// The acknowledgement's outcome (`accepted`, `executed`, `rejected`, `failed`), or `no_ack`, `refused`.
    var outcome = ""
    var detail = ""
}

/// The body of `GET /health`.
struct HealthReport: Encodable, Sendable {
    var status: String
    var host: String
    var failed: [String]

    init(host: String, adapters: [AdapterStatus]) {
        self.host = host
        self.failed = adapters.filter { $0.state == .failed }.map { "\($0.site)/\($0.id)" }
        self.status = failed.isEmpty ? "ok" : "degraded"
    }
}

/// The body of `GET /adapters`.
struct AdapterList: Encodable, Sendable {
    var adapters: [AdapterStatus]
}

/// Any encodable value as a JSON response: snake_case keys, sorted, slashes unescaped.
struct JSONBody<Value: Encodable & Sendable> {
    var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func response(status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

import AdapterKit
import AdapterKitHTTPCore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The admin HTTP API (loopback by default): health, Prometheus metrics and adapter states.
///
/// - `GET /health`: `{"status": "ok"}` with 200 while no adapter has failed for good or is blocked,
///   else 503 with `"degraded"` and the failed and blocked adapters.
/// - `GET /metrics`: Prometheus text exposition.
/// - `GET /adapters`: every instance's state, counters and last error.
/// - `GET /adapters/{site}/{id}`: one instance.
/// - `POST /adapters/{site}/{id}/commands`: an operator's command to an instance (bearer token of
///   `host.admin.operators`), answered with the instance's acknowledgement; every attempt is
///   recorded in the operator audit.
/// - `GET /audit/commands?limit=N`: the latest attempts (an operator's token required).
/// - `POST /reload`: reads and applies the configuration again (an operator's token).
/// - `POST /adapters/{site}/{id}/restart`: restarts one instance now (an operator's token).
struct AdminServer {
    let listen: ListenAddress
    let limits: HTTPConnectionLimits
    let hostID: String
    let metrics: HostMetrics
    let statuses: @Sendable () -> [AdapterStatus]
    let memoryOverLimit: @Sendable () -> Bool
    let commandRoute: OperatorCommandRoute
    let actions: OperatorActionRoute
    let logger: Logger
    /// Called with the bound port once listening (useful with port 0).
    let onListening: @Sendable (Int) async -> Void

    func makeApplication() -> some ApplicationProtocol {
        let router = Router(options: .autoGenerateHeadEndpoints)
        let hostID = self.hostID
        let statuses = self.statuses
        let metrics = self.metrics
        let memoryOverLimit = self.memoryOverLimit
        router.get("/health") { _, _ -> Response in
            let report = HealthReport(host: hostID, adapters: statuses(), memoryOverLimit: memoryOverLimit())
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
        commandRoute.add(to: router)
        actions.add(to: router)
        let onListening = self.onListening
        return Application(
            router: router,
            server: limits.http1(),
            configuration: limits.applicationConfiguration(host: listen.host, port: listen.port, serverName: "energy-host", logger: logger),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }
}

/// The body of `GET /health`.
struct HealthReport: Encodable, Sendable {
    var status: String
    var host: String
    var failed: [String]
    /// Adapters with a call outstanding past their watchdog deadline.
    var blocked: [String]
    /// Adapters that report they cannot do their job (a recorder that cannot write).
    var degraded: [String]
    /// Adapters waiting to be restarted after their run ended (a crash, a failure): listed, but
    /// not a degraded host by themselves, since the restart is under way.
    var restarting: [String]
    /// Why each failed, blocked or restarting adapter is so: its last error (a runner's crash
    /// names its signal).
    var lastErrors: [String: String]
    /// Whether the host's resident memory is above `host.memory_limit_mb`.
    var memoryOverLimit: Bool

    init(host: String, adapters: [AdapterStatus], memoryOverLimit: Bool) {
        self.memoryOverLimit = memoryOverLimit
        self.host = host
        self.failed = adapters.filter { $0.state == .failed }.map { "\($0.site)/\($0.id)" }
        self.blocked = adapters.filter { $0.state == .blocked }.map { "\($0.site)/\($0.id)" }
        self.degraded = adapters.filter(\.degraded).map { "\($0.site)/\($0.id)" }
        self.restarting = adapters.filter { $0.state == .restarting }.map { "\($0.site)/\($0.id)" }
        self.lastErrors = Dictionary(
            adapters.filter { [.failed, .blocked, .restarting].contains($0.state) }.compactMap { status in
                status.lastError.map { ("\(status.site)/\(status.id)", $0) }
            }
        ) { first, _ in first }
        self.status = failed.isEmpty && blocked.isEmpty && degraded.isEmpty && !memoryOverLimit ? "ok" : "degraded"
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

    func response(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(
            status: status,
            headers: fields,
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

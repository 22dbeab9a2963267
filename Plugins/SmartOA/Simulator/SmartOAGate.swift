import AdapterKitHTTPServer
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A request's context: Hummingbird's, the connection (its address; closed for an injected
/// reset) and the token and account the gate admitted.
struct SmartOARequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel
    /// The admitted bearer token and its account's name (empty before the gate).
    var token = ""
    var account = ""

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// What the gate decided for one API request.
enum SmartOAAdmission: Equatable {
    case admitted(token: String, account: String)
    case forbidden
    case reset
    case fail(status: Int, retryAfter: Int?)
    case rateLimited(retryAfter: Int)
    case unauthorized(reason: String, account: String?)
}

extension SmartOASimulator {
    /// In this order: the address (403 when undeclared, or all forbidden), the injected faults,
    /// the token (401 when missing, unknown or expired).
    func admit(address: String?, authorization: String?) -> SmartOAAdmission {
        state.withLock { state in
            if state.faults.forbidAll || !(declaredAddresses.isEmpty || address.map(declaredAddresses.contains) == true) {
                return .forbidden
            }
            switch state.faults.take() {
            case .fail(let status, let retryAfter)?: return .fail(status: status, retryAfter: retryAfter)
            case .rateLimit(let retryAfter)?: return .rateLimited(retryAfter: retryAfter)
            case .reset?: return .reset
            case nil: break
            }
            guard let authorization, authorization.lowercased().hasPrefix("bearer ") else {
                return .unauthorized(reason: "missing bearer token", account: nil)
            }
            let token = String(authorization.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            guard let account = state.platform.accounts[token] else { return .unauthorized(reason: "invalid token", account: nil) }
            guard !account.expired else { return .unauthorized(reason: "token expired", account: account.name) }
            return .admitted(token: token, account: account.name)
        }
    }
}

/// Admits API requests (``SmartOASimulator/admit(address:authorization:)``), answers those it
/// refuses, and records every API request with its answer. The `/_simulator` routes pass through.
struct SmartOAGate: RouterMiddleware {
    let simulator: SmartOASimulator

    func handle(
        _ request: Request, context: SmartOARequestContext, next: (Request, SmartOARequestContext) async throws -> Response
    ) async throws -> Response {
        guard !request.uri.path.hasPrefix("/_simulator/") else { return try await next(request, context) }
        let address = context.channel.remoteAddress?.ipAddress
        let admission = simulator.admit(address: address, authorization: request.headers[.authorization])
        var account: String?
        let response: Response
        switch admission {
        case .admitted(let token, let name):
            account = name
            var context = context
            context.token = token
            context.account = name
            response = try await next(request, context)
        case .reset:
            context.channel.close(promise: nil)
            response = Response(status: .internalServerError)
        case .forbidden:
            response = JSONResponses.error(.forbidden, "address not declared")
        case .fail(let status, let retryAfter):
            response = JSONResponses.error(
                HTTPResponse.Status(code: status), "simulated failure", headers: retryAfter.map { [.retryAfter: String($0)] } ?? [:]
            )
        case .rateLimited(let retryAfter):
            response = JSONResponses.error(.tooManyRequests, "too many requests", headers: [.retryAfter: String(retryAfter)])
        case .unauthorized(let reason, let name):
            account = name
            response = JSONResponses.error(.unauthorized, reason, headers: [.wwwAuthenticate: "Bearer"])
        }
        simulator.record(SmartOARequestRecord(
            method: request.method.rawValue, path: request.uri.description, status: admission == .reset ? 0 : response.status.code,
            account: account, address: address, time: simulator.now()
        ))
        return response
    }
}

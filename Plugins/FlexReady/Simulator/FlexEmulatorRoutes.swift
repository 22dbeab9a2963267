import AdapterKit
import AdapterKitHTTPCore
import AdapterKitHTTPServer
import EnergyFlexReady
import Foundation
package import Hummingbird

/// The emulator's HTTP routes under `/api/v1` (the référentiel's Annex 1): login, sessions and
/// their reports, the BACS interface `/{session_id}/bacs/…` and the operator interface
/// `/{session_id}/operator/bacs/…`. Every route but the login needs the token the login gives.
package enum FlexEmulatorRoutes {
    /// The prefix of every route.
    package static let prefix = "/api/v1"

    /// Adds the routes to `router`.
    package static func register<Context: RequestContext>(on router: Router<Context>, emulator: FlexEmulator) async throws {
        let authentication = try await BearerAuthentication(credentials: [.hs256(secret: emulator.tokenSecret)])
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: LoginExempt(inner: BearerAuthenticationMiddleware(authentication)))
        let api = router.group(RouterPath(prefix))
        api.post("auth/login") { request, context in
            let form = try await Self.form(request)
            guard let token = try await emulator.login(username: form["username"] ?? "", password: form["password"] ?? "") else {
                return JSONResponses.error(.unauthorized, "unknown user name or wrong password")
            }
            return JSONResponses.json(.ok, ["access_token": token, "token_type": "bearer"])
        }
        api.post("sessions") { request, _ in
            let query = request.uri.queryParameters
            do {
                let session = try await emulator.createSession(
                    level: query["level_of_flexibility"].map(String.init), user: query["user"].map(String.init), url: query["url"].map(String.init))
                return FlexBACSRoutes.response(FlexAnswer(status: 200, body: .object([
                    "session_id": .string(session.id), "level_of_flexibility": .number(Double(session.level.rawValue)),
                    "user": .string(session.user.rawValue), "url": .string(session.url),
                ])))
            } catch {
                return refusal(error)
            }
        }
        api.post("sessions/:session_id/report") { request, context in
            do {
                let report = try await emulator.report(try context.parameters.require("session_id"))
                if (request.headers[.accept] ?? "").contains("application/json") {
                    return FlexBACSRoutes.response(FlexAnswer(status: 200, body: report.json))
                }
                return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: report.html)))
            } catch {
                return refusal(error)
            }
        }
        FlexBACSRoutes.register(on: router, basePath: "\(prefix)/:session_id", bodyLimit: 1 << 20) { call, _, context in
            do {
                return try await emulator.bacsAnswer(session: try context.parameters.require("session_id"), call: call)
            } catch let error as FlexEmulator.Refusal {
                return answer(error)
            }
        }
        registerAcceptance(on: router, emulator: emulator)
        FlexBACSRoutes.register(on: router, basePath: "\(prefix)/:session_id/operator", bodyLimit: 1 << 20) { call, request, context in
            let headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
            do {
                return try await emulator.operatorCall(session: try context.parameters.require("session_id"), call: call, headers: headers)
            } catch let error as FlexEmulator.Refusal {
                return answer(error)
            }
        }
    }

    /// acceptFlexRequest, which a BACS under test sends to the operator interface.
    private static func registerAcceptance<Context: RequestContext>(on router: Router<Context>, emulator: FlexEmulator) {
        let path = "\(prefix)/:session_id/operator/" + FlexBACSRoutes.acceptancePath.split(separator: "/")
            .map { $0.hasPrefix("{") ? ":" + $0.dropFirst().dropLast() : String($0) }.joined(separator: "/")
        router.post(RouterPath(path)) { request, context in
            let body = Array(try await JSONResponses.body(of: request, limit: 1 << 20))
            let call = FlexBACSRoutes.Call(
                route: .confirmFlexRequest, bacsID: try context.parameters.require("bacs_id"), assetID: try context.parameters.require("asset_id"),
                requestID: try context.parameters.require("request_id"), body: body
            )
            do {
                return FlexBACSRoutes.response(try await emulator.acceptance(session: try context.parameters.require("session_id"), call: call))
            } catch let error as FlexEmulator.Refusal {
                return FlexBACSRoutes.response(answer(error))
            }
        }
    }

    private static func answer(_ refusal: FlexEmulator.Refusal) -> FlexAnswer {
        switch refusal {
        case .unknownSession(let id): .error(404, "no test session \"\(id)\"")
        case .invalidParameter(let message): .error(400, message)
        }
    }

    private static func refusal(_ error: any Error) -> Response {
        guard let refusal = error as? FlexEmulator.Refusal else { return JSONResponses.error(.internalServerError, "\(error)") }
        return FlexBACSRoutes.response(answer(refusal))
    }

    /// The fields of a form-encoded body (`username=…&password=…`).
    private static func form(_ request: Request) async throws -> [String: String] {
        let body = try await JSONResponses.body(of: request, limit: 16 * 1024)
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                .map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            guard let name = parts.first, !name.isEmpty else { continue }
            fields[name] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    /// Lets the login through without a token; every other request goes through `inner`.
    private struct LoginExempt<Context: RequestContext>: RouterMiddleware {
        let inner: BearerAuthenticationMiddleware<Context>

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            if request.uri.path == "\(FlexEmulatorRoutes.prefix)/auth/login" { return try await next(request, context) }
            return try await inner.handle(request, context: context, next: next)
        }
    }
}

import AdapterKitHTTPServer
import Foundation
import Hummingbird
import Synchronization

extension SmartOASimulator {
    /// The API behind the gate, and the `/_simulator` record routes.
    func makeRouter(bodyLimit: Int) -> Router<SmartOARequestContext> {
        let router = Router(context: SmartOARequestContext.self)
        router.add(middleware: SmartOAGate(simulator: self))
        router.add(middleware: JSONErrorMiddleware())
        router.get("/contracts") { request, context in
            let paging = try self.paging(request)
            return try Self.json(.ok, Envelope(self.state.withLock { $0.platform.contracts(of: context.token) }, page: paging.page, size: paging.size))
        }
        router.get("/curtailments") { request, context in
            let query = try self.windowQuery(request, token: context.token)
            let now = self.now()
            let items = self.state.withLock { $0.platform.curtailments(contractId: query.contractId, from: query.from, to: query.to, at: now) }
            return try Self.json(.ok, Envelope(items, page: query.page, size: query.size))
        }
        router.get("/acknowledgements") { request, context in
            let query = try self.windowQuery(request, token: context.token)
            let now = self.now()
            let items = self.state.withLock { $0.platform.acknowledgements(contractId: query.contractId, from: query.from, to: query.to, at: now) }
            return try Self.json(.ok, Envelope(items, page: query.page, size: query.size))
        }
        router.post("/acknowledgements") { request, context in
            try await self.acknowledge(try await JSONResponses.body(of: request, limit: bodyLimit), token: context.token, account: context.account)
        }
        router.get("/_simulator/acknowledgements") { _, _ in
            JSONResponses.data(.ok, try SmartOARecordCoding.encoder().encode(self.acknowledgements()))
        }
        router.get("/_simulator/requests") { _, _ in
            JSONResponses.data(.ok, try SmartOARecordCoding.encoder().encode(self.requests()))
        }
        return router
    }

    /// `page` (from 1, default 1) and `size` (from 1, default and at most ``maxPageSize``).
    func paging(_ request: Request) throws -> (page: Int, size: Int) {
        let parameters = request.uri.queryParameters
        func number(_ name: Substring) throws -> Int? {
            guard let text = parameters[name] else { return nil }
            guard let value = Int(text), value >= 1 else { throw HTTPError(.badRequest, message: "\(name) must be an integer from 1") }
            return value
        }
        return (try number("page") ?? 1, min(try number("size") ?? maxPageSize, maxPageSize))
    }

    /// `contractId`, `from`, `to` (RFC 3339, `from` not after `to`) and the paging; 404 for an
    /// unknown contract, 403 for a contract of another account.
    func windowQuery(_ request: Request, token: String) throws -> (contractId: String, from: Date, to: Date, page: Int, size: Int) {
        let parameters = request.uri.queryParameters
        guard let contractId = parameters["contractId"].map(String.init), !contractId.isEmpty else {
            throw HTTPError(.badRequest, message: "contractId is required")
        }
        func time(_ name: Substring) throws -> Date {
            guard let text = parameters[name] else { throw HTTPError(.badRequest, message: "\(name) is required") }
            guard let time = SmartOATime.parse(String(text)) else {
                throw HTTPError(.badRequest, message: "\(name) must be an RFC 3339 time with an offset (+ encoded as %2B), not \(text)")
            }
            return time
        }
        let from = try time("from")
        let to = try time("to")
        guard from <= to else { throw HTTPError(.badRequest, message: "from must not be after to") }
        let paging = try paging(request)
        switch state.withLock({ $0.platform.access(token, contractId: contractId) }) {
        case .allowed: return (contractId, from, to, paging.page, paging.size)
        case .unknownContract: throw HTTPError(.notFound, message: "unknown contract \(contractId)")
        case .otherAccount: throw HTTPError(.forbidden, message: "contract \(contractId) belongs to another account")
        }
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return JSONResponses.data(status, try encoder.encode(value))
    }
}

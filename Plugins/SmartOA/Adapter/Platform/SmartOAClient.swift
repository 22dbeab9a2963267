import AdapterKit
import AdapterKitHTTPClient

/// The Smart OA API as the adapter uses it, over one HTTP client shared by every account (each
/// request carries its account's token). Paged reads follow the pages to the end.
struct SmartOAClient: Sendable {
    /// Why a call did not give a usable answer.
    enum Failure: Error, Sendable, CustomStringConvertible {
        /// The platform answered with an error status, or did not answer.
        case http(HTTPFailure)
        /// It answered 2xx with a body that does not have the assumed shape.
        case malformed(String)

        var description: String {
            switch self {
            case .http(let failure): "\(failure)"
            case .malformed(let reason): "unexpected answer: \(reason)"
            }
        }
    }

    /// What became of one acknowledgement.
    enum AcknowledgeOutcome: Sendable, Hashable {
        /// 2xx: acknowledged now.
        case created(status: Int)
        /// 409: acknowledged before (by us, in a run whose answer was lost).
        case alreadyAcknowledged
        /// An answer that says it was not taken: 429, 5xx, 401, 403 (the state is certain).
        case notTaken(HTTPFailure)
        /// Another 4xx: the platform refuses this acknowledgement.
        case refused(HTTPFailure)
        /// No answer (timeout, reset): the platform may or may not have it.
        case uncertain(String)
    }

    /// The most pages read for one list, whatever `total` says (a bound against a faulty server).
    static let maximumPages = 10_000

    let http: HTTPClientResource
    let pageSize: Int
    /// Counts each request sent (for the metrics and the benchmark).
    let onRequest: @Sendable (_ endpoint: String) -> Void

    /// The ids of the contracts the token may see.
    func contracts(token: String) async throws(Failure) -> [String] {
        try await pages(token: token, endpoint: "contracts") { page in SmartOAWire.contracts(page: page, size: pageSize) }
            .map { item throws(Failure) in try Self.reading { try SmartOAWire.contractID(item) } }
    }

    /// Every revision of the contract's orders overlapping `window`, as the platform has them now.
    func revisions(token: String, contract: String, window: Range<EventTime>) async throws(Failure) -> [OrderRevision] {
        try await pages(token: token, endpoint: "curtailments") { page in
            SmartOAWire.curtailments(contract: contract, from: window.lowerBound, to: window.upperBound, page: page, size: pageSize)
        }.map { item throws(Failure) in try Self.reading { try SmartOAWire.revision(item) } }
    }

    /// The revisions the platform has an acknowledgement of, among the contract's orders
    /// overlapping `window`.
    func acknowledged(token: String, contract: String, window: Range<EventTime>) async throws(Failure) -> Set<OrderKey> {
        let items = try await pages(token: token, endpoint: "acknowledgements") { page in
            SmartOAWire.acknowledgements(contract: contract, from: window.lowerBound, to: window.upperBound, page: page, size: pageSize)
        }
        var keys: Set<OrderKey> = []
        for item in items { keys.insert(try Self.reading { try SmartOAWire.acknowledged(item) }) }
        return keys
    }

    /// Sends one acknowledgement of `key`.
    func acknowledge(token: String, _ key: OrderKey, at time: EventTime) async -> AcknowledgeOutcome {
        onRequest("acknowledge")
        var request = SmartOAWire.acknowledge(curtailment: key.curtailmentID, version: key.version, at: time)
        request.headers.append(("Authorization", "Bearer \(token)"))
        do {
            return .created(status: try await http.send(request).status)
        } catch {
            switch error {
            case .clientError(let answer) where answer.status == SmartOAWire.alreadyAcknowledgedStatus: return .alreadyAcknowledged
            case .clientError: return .refused(error)
            case .transport(let reason): return .uncertain(reason)
            case .cancelled: return .uncertain("cancelled while sending")
            default: return .notTaken(error)
            }
        }
    }

    /// Reads pages 1, 2… until `total` items came, or a page comes back short or empty.
    private func pages(token: String, endpoint: String, request: (Int) -> HTTPRequestSpec) async throws(Failure) -> [[UInt8]] {
        var items: [[UInt8]] = []
        for number in 1...Self.maximumPages {
            onRequest(endpoint)
            var spec = request(number)
            spec.headers.append(("Authorization", "Bearer \(token)"))
            let answer: HTTPAnswer
            do {
                answer = try await http.send(spec)
            } catch {
                throw .http(error)
            }
            let page = try Self.reading { try SmartOAWire.page(answer.body) }
            items += page.items
            if items.count >= page.total || page.items.isEmpty || page.items.count < page.size { break }
        }
        return items
    }

    private static func reading<T>(_ body: () throws -> T) throws(Failure) -> T {
        do {
            return try body()
        } catch {
            throw .malformed("\(error)")
        }
    }
}

import AdapterKitHTTPClient
import EnergySmartOASimulator
import Foundation
import Synchronization

/// The simulator on loopback over HTTPS with the demo certificates, and a client for it.
enum SmartOASimulatorBed {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// 2026-04-01T08:00:00Z (10:00 in Paris, summer time): the simulator's start in the tests.
    static let start = Date(timeIntervalSince1970: 1_775_030_400)

    /// A wall clock that moves only when told.
    final class Clock: Sendable {
        private let current = Mutex(SmartOASimulatorBed.start)

        func now() -> Date { current.withLock { $0 } }

        func advance(seconds: Double) {
            current.withLock { $0 = $0.addingTimeInterval(seconds) }
        }
    }

    /// Runs `simulator` until `body` returns, with a client of the server (no token of its own:
    /// requests carry theirs, see ``Client``).
    static func serve<T: Sendable>(_ simulator: SmartOASimulator, body: (Client) async throws -> T) async throws -> T {
        try await SmartOATestSupport.withPlatform(simulator) { port in
            let clientSettings = HTTPClientSettings(baseURL: "https://127.0.0.1:\(port)", trust: .pinned(caFile: "demo/certs/ca.pem"))
            return try await HTTPClientResource.run(clientSettings, resolvePath: path) { try await body(Client(resource: $0)) }
        }
    }

    /// `relative` in the repository.
    static func path(_ relative: String) -> String {
        repositoryRoot.appendingPathComponent(relative).path
    }

    /// Requests with a given token, answered with any status.
    struct Client {
        let resource: HTTPClientResource

        /// The answer, whatever its status; throws only when there was none.
        func send(_ method: String, _ path: String, token: String? = "t-a", body: String? = nil) async throws -> HTTPAnswer {
            var headers: [(name: String, value: String)] = token.map { [("Authorization", "Bearer \($0)")] } ?? []
            if body != nil { headers.append(("Content-Type", "application/json")) }
            do {
                return try await resource.send(HTTPRequestSpec(method: method, path: path, headers: headers, body: body.map { Array($0.utf8) }))
            } catch {
                guard let answer = error.answer else { throw error }
                return answer
            }
        }

        func get(_ path: String, token: String? = "t-a") async throws -> HTTPAnswer {
            try await send("GET", path, token: token)
        }

        /// `POST /acknowledgements` of `curtailmentId` at `version`.
        func acknowledge(_ curtailmentId: String, version: Int, token: String = "t-a") async throws -> HTTPAnswer {
            try await send(
                "POST", "/acknowledgements", token: token,
                body: #"{"curtailmentId": "\#(curtailmentId)", "version": \#(version), "acknowledgedAt": "2026-04-01T10:00:05+02:00"}"#
            )
        }
    }

    /// A page of the API, decoded.
    struct Page<Item: Decodable & Sendable>: Decodable, Sendable {
        var items: [Item]
        var page: Int
        var size: Int
        var total: Int
    }

    struct Order: Decodable, Equatable, Sendable {
        var curtailmentId: String
        var contractId: String
        var start: String
        var end: String
        var value: Int
        var version: Int
        var status: String
        var createdAt: String
        var updatedAt: String
    }

    struct Acknowledgement: Decodable, Sendable {
        var acknowledgementId: String
        var curtailmentId: String
        var version: Int
        var acknowledgedAt: String
        var receivedAt: String
    }

    static func decode<T: Decodable>(_ type: T.Type, _ answer: HTTPAnswer) throws -> T {
        try JSONDecoder().decode(type, from: Data(answer.body))
    }

    /// Two accounts: `t-a` sees `OA-A1` and `OA-A2`, `t-b` sees `OA-B1`; `t-old` is expired.
    static func scenario(curtailments: [SmartOAScenario.Curtailment] = [], options: SmartOAScenario.Options? = nil) -> SmartOAScenario {
        SmartOAScenario(
            accounts: [
                .init(token: "t-a", name: "producer-a", contracts: ["OA-A1", "OA-A2"]),
                .init(token: "t-b", contracts: ["OA-B1"]),
                .init(token: "t-old", name: "old", expired: true, contracts: ["OA-A1"]),
            ],
            contracts: [
                .init(id: "OA-A1", name: "PV A1", technology: .pv, contractualPowerKw: 12_000),
                .init(id: "OA-A2", name: "Wind A2", technology: .wind, contractualPowerKw: 10_000, status: "TERMINATED"),
                .init(id: "OA-B1", name: "PV B1", technology: .pv, contractualPowerKw: 15_000),
            ],
            curtailments: curtailments,
            options: options
        )
    }

    /// An order of `OA-A1` with one revision `[start, end)` (absolute times), visible at once.
    static func order(_ id: String, _ start: String, _ end: String, contract: String = "OA-A1") -> SmartOAScenario.Curtailment {
        .init(id: id, contract: contract, revisions: [.init(start: start, end: end, value: 1)])
    }
}

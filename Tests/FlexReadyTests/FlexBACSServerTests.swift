import AdapterKit
import AdapterKitHTTPClient
import AdapterKitHTTPServer
@testable import EnergyFlexReady
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The BACS role over real HTTP on loopback, with its SQLite file, on the emulator's data set:
/// the requests of the emulator's Part B (its operator against our BACS) and the bad ones.
@Suite struct FlexBACSServerTests {
    static let now = FlexTime(parsing: "2025-04-01T08:00:00")!
    static let bacs2 = FlexEmulatorDataSet.bacs2

    /// Serves the BACS role at `level` under `/session-1` on a store at `path`, then runs `body`.
    static func withServer(
        level: FlexRequestEvaluator.Level, path: String, notices: NoticeLog = NoticeLog(),
        _ body: @escaping @Sendable (HTTPClientResource) async throws -> Void
    ) async throws {
        let clock = Mutex(now)
        let service = try await FlexBACSService(
            bacs: FlexEmulatorDataSet.bacs(level: level, minimumPrice: 10), storePath: path, now: { clock.withLock { $0 } },
            notify: { notice in notices.append(notice) }
        )
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        FlexBACSRoutes.register(on: router, basePath: "/session-1", service: service, bodyLimit: 4096)
        try await LoopbackServer.run(router) { port in
            let settings = HTTPClientSettings(baseURL: "http://127.0.0.1:\(port)/session-1")
            try await HTTPClientResource.run(settings, resolvePath: { $0 }) { client in try await body(client) }
        }
    }

    static func send(_ client: HTTPClientResource, _ method: String, _ path: String, _ body: String? = nil) async throws -> (Int, JSONValue) {
        let request = body.map { HTTPRequestSpec.json(method, path: path, body: Array($0.utf8)) } ?? HTTPRequestSpec(method: method, path: path)
        let answer: HTTPAnswer
        do {
            answer = try await client.send(request)
        } catch {
            guard let failed = error.answer else { throw error }
            answer = failed
        }
        return (answer.status, try JSONValue.parse(answer.text))
    }

    static func temporaryStore() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("flexready-\(UUID().uuidString).sqlite").path
    }

    static let fits = #"{"requestID": "req-001", "flexProduct": "WID", "askingPrice": 50, "power": [{"power": {"unit": "W", "multiplier": "k", "value": 80.0}, "start": "2025-04-02T10:00:00", "end": "2025-04-02T10:02:00"}]}"#
    static let confirmation = #"{"flexProduct": "WID", "askingPrice": 50, "power": [{"power": {"unit": "W", "multiplier": "k", "value": 80.0}, "start": "2025-04-02T10:00:00", "end": "2025-04-02T10:02:00"}]}"#

    @Test(.timeLimit(.minutes(1))) func assetsAreListedAndAnUnknownBACSHasNone() async throws {
        let path = Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await Self.withServer(level: .two, path: path) { client in
            let (status, assets) = try await Self.send(client, "GET", "/bacs/\(Self.bacs2)/assets")
            #expect(status == 200)
            #expect(assets.arrayValue?.compactMap { $0["asset"]?.stringValue } == ["WholeBuilding", "IRVE"])
            let potential = assets.arrayValue?.first?["potentiel"]?.arrayValue?.first
            #expect(potential?["power"]?.jsonText == #"{"multiplier":"k","unit":"W","value":80}"#)
            #expect(potential?["timePeriods"]?.jsonText == #"[{"end":"2025-04-02T12:00:00","start":"2025-04-02T10:00:00"}]"#)
            #expect(potential?["maxDuration"]?.intValue == 2 && potential?["notification"]?.intValue == 1)
            let (unknownStatus, none) = try await Self.send(client, "GET", "/bacs/nobody/assets")
            #expect(unknownStatus == 200 && none == .array([]))
        }
    }

    /// Level 2, Part B's nominal path: ask, the same request again, confirm, confirm again; then
    /// the host "restarts" (a new server on the same file) and still knows both.
    @Test(.timeLimit(.minutes(1))) func aRequestIsStoredAnsweredRetriedConfirmedAndSurvivesARestart() async throws {
        let path = Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let notices = NoticeLog()
        let base = "/bacs/\(Self.bacs2)/assets/WholeBuilding/flexibilities/request"
        try await Self.withServer(level: .two, path: path, notices: notices) { client in
            let (status, answer) = try await Self.send(client, "POST", base, Self.fits)
            #expect(status == 200)
            #expect(answer.jsonText == #"{"message":"Flex request created successfully","requestID":"req-001","status":"accepted"}"#)
            let (again, same) = try await Self.send(client, "POST", base, Self.fits)
            #expect(again == 200 && same == answer)
            let (reused, conflict) = try await Self.send(client, "POST", base, Self.fits.replacingOccurrences(of: "80.0", with: "70.0"))
            #expect(reused == 422)
            #expect(conflict["details"]?.jsonText == #"["requestID: \"req-001\" was already used for another request"]"#)
            let (confirmed, acknowledgement) = try await Self.send(client, "POST", base + "/req-001/confirm", Self.confirmation)
            #expect(confirmed == 200)
            #expect(acknowledgement.jsonText == #"{"message":"Flex request confirmed successfully","requestID":"req-001"}"#)
        }
        #expect(notices.all.map { if case .request = $0 { "request" } else if case .confirmation = $0 { "confirmation" } else { "other" } } == ["request", "confirmation"])
        try await Self.withServer(level: .two, path: path) { client in
            let (status, answer) = try await Self.send(client, "POST", base, Self.fits)
            #expect(status == 200 && answer["status"]?.stringValue == "accepted")
            let (confirmed, _) = try await Self.send(client, "POST", base + "/req-001/confirm", Self.confirmation)
            #expect(confirmed == 200)
            // The day's one activation is used: another request that day is refused with its reason.
            let second = Self.fits.replacingOccurrences(of: "req-001", with: "req-002").replacingOccurrences(of: "10:00:00", with: "11:00:00")
                .replacingOccurrences(of: "10:02:00", with: "11:02:00")
            let (refusedStatus, refused) = try await Self.send(client, "POST", base, second)
            #expect(refusedStatus == 200)
            #expect(refused["reason"]?.stringValue == "the asset's activations for the day are used up (1)")
        }
    }

    @Test(.timeLimit(.minutes(1))) func badRequestsGet400Or404Or413Or422AndNothingIsStored() async throws {
        let path = Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let base = "/bacs/\(Self.bacs2)/assets/WholeBuilding/flexibilities/request"
        try await Self.withServer(level: .two, path: path) { client in
            let malformed = try await Self.send(client, "POST", base, "{\"requestID\": ")
            #expect(malformed.0 == 400 && malformed.1["error"]?.stringValue == "the request body is invalid")
            let extra = try await Self.send(client, "POST", base, Self.fits.replacingOccurrences(of: "\"askingPrice\"", with: "\"bonus\": 1, \"askingPrice\""))
            #expect(extra.0 == 400 && extra.1["details"]?.jsonText == #"["bonus: is not a field of this request"]"#)
            let badDate = try await Self.send(client, "POST", base, Self.fits.replacingOccurrences(of: "2025-04-02T10:02:00", with: "2025-04-31T10:02:00"))
            #expect(badDate.0 == 400)
            let backwards = try await Self.send(client, "POST", base, Self.fits.replacingOccurrences(of: "10:02:00", with: "09:58:00"))
            #expect(backwards.0 == 422 && backwards.1["details"]?.arrayValue?.count == 1)
            let unknownAsset = try await Self.send(client, "POST", "/bacs/\(Self.bacs2)/assets/Pool/flexibilities/request", Self.fits)
            #expect(unknownAsset.0 == 422 && unknownAsset.1["details"]?.jsonText == #"["assetID: unknown asset \"Pool\""]"#)
            let unknownRequest = try await Self.send(client, "POST", base + "/nope/confirm", Self.confirmation)
            #expect(unknownRequest.0 == 404)
            let huge = try await Self.send(client, "POST", base, "{\"requestID\": \"" + String(repeating: "x", count: 5000) + "\"}")
            #expect(huge.0 == 413)
        }
        let stored = try await FlexRequestStore(path: path).load()
        #expect(stored.isEmpty)
    }

    @Test(.timeLimit(.minutes(1))) func theFifthUnknownIdentifierRaisesThePossibleIntrusionAlarm() async throws {
        let path = Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let notices = NoticeLog()
        try await Self.withServer(level: .one, path: path, notices: notices) { client in
            for index in 1...4 { _ = try await Self.send(client, "GET", "/bacs/unknown-\(index)/assets") }
            #expect(notices.all.isEmpty)
            _ = try await Self.send(client, "POST", "/bacs/\(Self.bacs2)/assets/Pool/flexibilities/request", Self.fits)
        }
        let raised = notices.all
        #expect(raised == [.intrusion(raised: true, detail: #"5 unknown identifiers within 10 min, the last asset "Pool" of BACS "a987fbc9-4bed-4078-9f07-9141ba07c9f3""#)])
    }
}

/// What a BACS service told the adapter, in order.
final class NoticeLog: Sendable {
    private let notices = Mutex<[FlexBACSService.Notice]>([])
    func append(_ notice: FlexBACSService.Notice) { notices.withLock { $0.append(notice) } }
    var all: [FlexBACSService.Notice] { notices.withLock { $0 } }
}

import AdapterKit
@testable import EnergyFlexReady
import Foundation
import GRDB
import Testing

/// The BACS service under concurrent requests, on a real SQLite file: each answer leaves once its
/// request is stored, writes are grouped, a request and its retries are one request, two requests
/// cannot both take an asset's last activation of a day, and a request that cannot be stored is
/// answered 503 and forgotten.
@Suite struct FlexConcurrentRequestTests {
    static let bacs2 = FlexEmulatorDataSet.bacs2

    static func service(_ path: String, notices: NoticeLog) async throws -> FlexBACSService {
        try await FlexBACSService(
            bacs: FlexEmulatorDataSet.bacs(level: .two), storePath: path, now: { FlexBACSServerTests.now }, notify: { notices.append($0) })
    }

    static func ask(_ id: String, minute: Int = 0) -> [UInt8] {
        let start = String(format: "2025-04-02T10:%02d:00", minute), end = String(format: "2025-04-02T10:%02d:00", minute + 1)
        return Array(#"{"requestID": "\#(id)", "flexProduct": "WID", "askingPrice": 50, "power": [{"power": {"unit": "W", "multiplier": "k", "value": 80.0}, "start": "\#(start)", "end": "\#(end)"}]}"#.utf8)
    }

    static func temporaryPath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flex-concurrent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("flexready.sqlite").path
    }

    @Test(.timeLimit(.minutes(1))) func sixtyFourCopiesOfARequestAreOneRequestAndOnlyOneTakesTheDaysActivation() async throws {
        let path = try Self.temporaryPath(), notices = NoticeLog()
        let service = try await Self.service(path, notices: notices)
        // The same request 64 times at once: one request, one notice, 64 identical answers.
        let copies = await withTaskGroup(of: FlexAnswer.self) { group in
            for _ in 0..<64 { group.addTask { await service.ask(bacsID: Self.bacs2, assetID: "WholeBuilding", body: Self.ask("req-same")) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(copies).count == 1 && copies.first?.status == 200 && copies.first?.body["status"]?.stringValue == "accepted", "\(Set(copies))")
        // 20 other requests of the same asset and day at once: the day's one activation is taken,
        // every one of them is refused for it.
        let others = await withTaskGroup(of: FlexAnswer.self) { group in
            for index in 0..<20 { group.addTask { await service.ask(bacsID: Self.bacs2, assetID: "WholeBuilding", body: Self.ask("req-\(index)", minute: 1)) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(others.allSatisfy { $0.status == 200 && $0.body["status"]?.stringValue == "refused" }, "\(others.map(\.body.jsonText))")
        #expect(notices.all.count == 21)
        // All stored: a new service on the same file has the 21 requests.
        let stored = try await FlexRequestStore(path: path).load()
        #expect(stored.count == 21 && stored.filter { $0.decision == .accepted }.map(\.requestID) == ["req-same"])
    }

    @Test(.timeLimit(.minutes(1))) func aRequestThatCannotBeStoredIsAnswered503AndForgotten() async throws {
        let path = try Self.temporaryPath(), notices = NoticeLog()
        let service = try await Self.service(path, notices: notices)
        // Another connection takes the table away: the write fails.
        let other = try DatabaseQueue(path: path)
        try await other.write { db in try db.execute(sql: "ALTER TABLE requests RENAME TO hidden") }
        let failed = await service.ask(bacsID: Self.bacs2, assetID: "WholeBuilding", body: Self.ask("req-503"))
        #expect(failed.status == 503 && failed.body["error"]?.stringValue == "the request could not be stored; try again")
        #expect(notices.all.isEmpty)
        // Nothing was kept: once the table is back, the retry is a new request (not a repeat of an
        // answer that never left), and the day's activation is still free for it.
        try await other.write { db in try db.execute(sql: "ALTER TABLE hidden RENAME TO requests") }
        let retried = await service.ask(bacsID: Self.bacs2, assetID: "WholeBuilding", body: Self.ask("req-503"))
        #expect(retried.status == 200 && retried.body["status"]?.stringValue == "accepted", "\(retried.body.jsonText)")
        #expect(notices.all.count == 1)
    }
}

import AdapterKit
@testable import EnergySmartOA
import Foundation
import GRDB
import Testing

@Suite struct SmartOALedgerTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("smartoa-ledger-\(UUID().uuidString).sqlite").path
    let now = OrderBookTests.at(0)

    static func revision(_ id: String, version: Int64, stop: Bool = true) -> OrderRevision {
        let order = OrderBookTests.order(id, 10, 40, stop: stop, version: version)
        return OrderRevision(order: order, body: Array("{\"id\":\"\(id)\",\"version\":\(version)}".utf8), bodyHash: "h-\(id)-\(version)")
    }

    @Test func aRevisionIsStoredOnceAndItsAcknowledgementSurvivesAReopening() async throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ledger = try SmartOALedger(path: path)
        let first = try await ledger.store([Self.revision("A", version: 1), Self.revision("B", version: 1, stop: false)], account: "p1", at: now) { _ in .pending }
        #expect(first.new.count == 2)
        var changed = Self.revision("B", version: 1, stop: false)
        changed.bodyHash = "another body"
        let again = try await ledger.store([Self.revision("A", version: 1), Self.revision("A", version: 2), changed], account: "p1", at: now) { _ in .pending }
        #expect(again.new.map(\.order.key) == [OrderKey(curtailmentID: "A", version: 2)], "a revision already stored is not new")
        #expect(again.conflicts == [OrderKey(curtailmentID: "B", version: 1)], "a body changed without a new version is reported")
        try await ledger.beginAttempt(OrderKey(curtailmentID: "A", version: 1), at: now)
        try await ledger.settle(OrderKey(curtailmentID: "B", version: 1), state: .acknowledged, step: "created", status: 201, detail: "", at: now)

        // The process dies while A v1's answer is awaited: reopened, A v1 is still `sending` (to reconcile).
        let reopened = try SmartOALedger(path: path)
        let outstanding = try await reopened.revisions(in: AcknowledgementState.outstanding)
        #expect(outstanding.map(\.order.key.description) == ["A v1", "A v2"])
        #expect(outstanding.map(\.state) == [.sending, .pending])
        #expect(outstanding.first?.attempts == 1)
        let latest = try await reopened.latestOrders(endingFrom: now)
        #expect(Set(latest.map(\.key.description)) == ["A v2", "B v1"])
        let attempts = try await DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT step FROM ack_attempts ORDER BY id") }
        #expect(attempts == ["sent", "created"])
    }

    @Test func afterThePlantARevisionWaitsThenIsReleasedOrSuperseded() async throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ledger = try SmartOALedger(path: path)
        _ = try await ledger.store([Self.revision("A", version: 1), Self.revision("B", version: 1)], account: "p1", at: now) { _ in .waiting }
        #expect(try await ledger.revisions(in: AcknowledgementState.outstanding).isEmpty)
        try await ledger.supersede("A", below: 2, at: now)
        try await ledger.release([OrderKey(curtailmentID: "A", version: 1), OrderKey(curtailmentID: "B", version: 1)], at: now)
        #expect(try await ledger.revisions(in: [.superseded]).map(\.order.key.description) == ["A v1"])
        #expect(try await ledger.revisions(in: AcknowledgementState.outstanding).map(\.order.key.description) == ["B v1"])
    }

    @Test func commandsAndTheirAnswersAreKept() async throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ledger = try SmartOALedger(path: path)
        let period = OrderBookTests.at(10)..<OrderBookTests.at(40)
        try await ledger.recordCommand(id: "c1", contract: "C", target: "plant-a", action: "curtail", period: period, at: now)
        try await ledger.recordCommand(id: "c1", contract: "C", target: "plant-b", action: "curtail", period: period, at: now)
        #expect(try await ledger.recordCommandAck(id: "c1", target: "plant-a", outcome: "executed", at: now))
        #expect(try await !ledger.recordCommandAck(id: "c1", target: "nobody", outcome: "executed", at: now))
        let answers = try await ledger.answers(to: "c1")
        #expect(answers.keys.sorted() == ["plant-a", "plant-b"])
        #expect(answers["plant-a"] == .some("executed") && answers["plant-b"] == .some(nil), "plant-b has not answered")
        let last = try await SmartOALedger(path: path).lastCommands()
        #expect(last["C"] == SmartOALedger.Command(id: "c1", action: "curtail", validUntil: period.upperBound))
    }
}

@testable import EnergyFlexReady
import Foundation
import Testing

/// Requests stored in a real SQLite file come back whole after the store is opened again.
@Suite struct FlexRequestStoreTests {
    typealias Fixture = FlexRequestEvaluatorTests

    @Test func everyKindOfAnswerAndAConfirmationSurviveAReopen() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flexready-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let now = Fixture.before
        var book = FlexRequestBook()
        let store = try FlexRequestStore(path: path)
        var bodies: [FlexRequestBody] = [
            Fixture.request(kW: 80, "2025-04-02T10:00:00", "2025-04-02T10:02:00", price: 50),  // accepted
            Fixture.request(kW: 90, "2025-04-03T10:00:00", "2025-04-03T10:02:00", price: 50),  // refused: outside
            Fixture.request(kW: 0.12, "2025-04-02T11:00:00", "2025-04-02T11:01:00", price: 50),  // refused: used up
        ]
        for index in bodies.indices { bodies[index].requestID = "req-\(index)" }
        for (index, body) in bodies.enumerated() {
            let bacs = index == 2 ? "other" : "bacs-2"
            guard case .new(let entry) = try book.ask(body, bacsID: bacs, assetID: "WholeBuilding", asset: Fixture.building,
                                                      evaluator: FlexRequestEvaluator(level: .two), now: now)
            else { Issue.record("not new"); return }
            try await store.save(entry)
            book.record(entry)
        }
        var level1 = Fixture.request(kW: 80, "2025-04-02T13:00:00", "2025-04-02T15:00:00", price: nil)
        level1.requestID = "req-l1"
        guard case .new(let acknowledged) = try book.ask(level1, bacsID: "bacs-1", assetID: "WholeBuilding", asset: Fixture.building,
                                                         evaluator: FlexRequestEvaluator(level: .one), now: now)
        else { Issue.record("not new"); return }
        try await store.save(acknowledged)
        book.record(acknowledged)
        var confirmation = bodies[0]
        confirmation.requestID = nil
        guard case .new(let confirmed) = try book.confirm(confirmation, requestID: "req-0", bacsID: "bacs-2", assetID: "WholeBuilding",
                                                          level: .two, now: now.adding(seconds: 60))
        else { Issue.record("not confirmed"); return }
        try await store.save(confirmed)
        book.record(confirmed)

        let reopened = try await FlexRequestStore(path: path).load()
        #expect(reopened.count == 4)
        for entry in reopened { #expect(book.entry(bacsID: entry.bacsID, requestID: entry.requestID) == entry) }
        let decisions = Dictionary(uniqueKeysWithValues: reopened.map { ($0.requestID, $0.decision.status) })
        #expect(decisions == ["req-0": "accepted", "req-1": "refused", "req-2": "accepted", "req-l1": "recuSansEngagement"])
        #expect(reopened.first { $0.requestID == "req-0" }?.confirmedAt == now.adding(seconds: 60))
        // The book made again from the file answers a retry with the first answer.
        let again = FlexRequestBook(entries: reopened)
        let retry = try again.ask(bodies[0], bacsID: "bacs-2", assetID: "WholeBuilding", asset: Fixture.building,
                                  evaluator: FlexRequestEvaluator(level: .two), now: now.adding(seconds: 120))
        #expect(retry == .repeated(confirmed))
    }

    @Test func aModifiedAnswerKeepsItsCounterProposal() throws {
        var excessive = Fixture.request(kW: 120, "2025-04-02T10:00:00", "2025-04-02T10:02:00", price: 50)
        excessive.requestID = "r"
        let decision = try FlexRequestEvaluator(level: .two).evaluate(excessive, assetID: "WholeBuilding", asset: Fixture.building,
                                                                     now: Fixture.before, activationsOnDay: { _ in 0 })
        let text = JSONValueText.of(decision)
        #expect(text == #"{"power":[{"end":"2025-04-02T10:02:00","power":{"multiplier":"k","unit":"W","value":80},"start":"2025-04-02T10:00:00"}],"status":"modified"}"#)
        #expect(JSONValueText.decision(text) == decision)
    }
}

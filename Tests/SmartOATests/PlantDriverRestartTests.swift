import AdapterKit
import AdapterKitTesting
@testable import EnergySmartOA
import Foundation
import Testing

/// A restart in the middle of an `after_plant` stop: the plant's answer may have been lost with the
/// process, or received before it died; either way the waiting acknowledgement is not forgotten.
@Suite struct PlantDriverRestartTests {
    static let configuration = """
        {"base_urls": {"recette": "https://127.0.0.1:1"},
         "accounts": [{"name": "producer-a", "token": "t", "contracts": [{"contract_id": "C", "targets": ["plant-a"], "acknowledge": "after_plant"}]}]}
        """

    /// A host whose instance's ledger holds a stop order (0 … 30 min) waiting for the plant and its
    /// curtailment sent, 10 min into the stop; `answered`: whether the plant's answer was recorded
    /// before the restart.
    static func restarted(answered: Bool) async throws -> (InMemoryHost, SmartOALedger) {
        let now = OrderBookTests.at(10)
        let host = try InMemoryHost(siteID: "s", instanceID: "smartoa", now: { now })
        let ledger = try SmartOALedger(path: host.dataDirectory + "/" + SmartOAAdapter.ledgerFile)
        let stored = SmartOALedgerTests.revision("A", version: 1)
        var order = stored.order
        order.contractID = "C"
        order.start = OrderBookTests.at(0)
        order.end = OrderBookTests.at(30)
        let revision = OrderRevision(order: order, body: stored.body, bodyHash: stored.bodyHash)
        _ = try await ledger.store([revision], account: "producer-a", at: now) { _ in .waiting }
        try await ledger.recordCommand(id: "cmd-1", contract: "C", target: "plant-a", action: "curtail", period: order.start..<order.end, at: now)
        if answered { try await ledger.recordCommandAck(id: "cmd-1", target: "plant-a", outcome: "executed", at: now) }
        return (host, ledger)
    }

    static func commands(_ host: InMemoryHost) -> [EnergyCommand] {
        host.published.filter { $0.kind == .command }.compactMap { try? $0.decode(EnergyCommand.self) }
    }

    /// Waits (real time, at most 20 s: the whole suite may load the machine) until `condition` holds.
    static func waitUntil(_ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(20)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    @Test(.timeLimit(.minutes(1))) func anAnswerLostWithTheProcessIsAskedForAgain() async throws {
        let (host, ledger) = try await Self.restarted(answered: false)
        let adapter = try host.makeAdapter(SmartOAAdapter.self, configuration: Self.configuration)
        try await host.run(adapter) { host in
            let curtailed = try await Self.waitUntil { !Self.commands(host).isEmpty }
            #expect(curtailed)
            let commands = Self.commands(host)
            #expect(commands.map(\.action) == ["curtail"], "the curtailment sent again for the plant to confirm")
            #expect(try await ledger.revisions(in: [.waiting]).count == 1)
            var ack = EnergyCommandAck()
            ack.id = try #require(commands.first).id
            ack.outcome = AckOutcome.executed.rawValue
            var event = try Event(topic: "sites/s/plant-a/acks", payload: ack, time: OrderBookTests.at(10))
            event.source = "plant-a"
            try await host.deliver([event], to: adapter)
            #expect(try await ledger.revisions(in: AcknowledgementState.outstanding + [.acknowledged]).map(\.order.key.description) == ["A v1"])
        }
    }

    @Test(.timeLimit(.minutes(1))) func anAnswerRecordedBeforeTheRestartReleasesTheAcknowledgement() async throws {
        let (host, ledger) = try await Self.restarted(answered: true)
        let adapter = try host.makeAdapter(SmartOAAdapter.self, configuration: Self.configuration)
        try await host.run(adapter) { _ in
            let released = try await Self.waitUntil { try await ledger.revisions(in: [.waiting]).isEmpty }
            #expect(released, "no longer waiting for the plant")
        }
        #expect(Self.commands(host).isEmpty, "nothing sent again")
    }
}

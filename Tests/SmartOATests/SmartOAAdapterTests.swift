import AdapterKit
import AdapterKitTesting
@testable import EnergySmartOA
import EnergySmartOASimulator
import Foundation
import Testing

/// The adapter against the simulator over HTTPS, on virtual time (``SmartOASiteBed``).
@Suite(.serialized) struct SmartOAAdapterTests {
    typealias Bed = SmartOASiteBed
    typealias Scenario = SmartOAScenario

    static func scenario(_ curtailments: [Scenario.Curtailment], contracts: [String] = ["OA-1"], maxPageSize: Int? = nil) -> Scenario {
        Scenario(
            accounts: [.init(token: "token-a", name: "producer-a", contracts: contracts)],
            contracts: contracts.map { .init(id: $0, name: "Parc \($0)", technology: .pv, contractualPowerKw: 12_000) },
            curtailments: curtailments, options: .init(maxPageSize: maxPageSize)
        )
    }

    static func revision(after: Double = 0, start: Int, end: Int, value: Int = 1, cancelled: Bool = false) -> Scenario.Revision {
        .init(afterS: after, startInS: Double(start), endInS: Double(end), value: value, status: cancelled ? .cancelled : nil)
    }

    @Test(.timeLimit(.minutes(2))) func rodageOrdersAtZeroAreStoredAndAcknowledgedOnceEachAndStopNothing() async throws {
        let scenario = Self.scenario([
            .init(id: "R1", contract: "OA-1", revisions: [Self.revision(start: 600, end: 1500, value: 0)]),
            .init(id: "R2", contract: "OA-2", revisions: [Self.revision(start: 900, end: 1800, value: 0)]),
        ], contracts: ["OA-1", "OA-2"])
        try await Bed.run(scenario, configuration: { Bed.configuration(port: $0, contracts: [("OA-1", "plant-a", "on_receipt"), ("OA-2", "plant-b", "on_receipt")]) }) { bed in
            #expect(bed.created.sorted() == ["R1 v1", "R2 v1"])
            try await bed.advance(seconds: 1900)  // 31 polls, both orders started and ended
            #expect(bed.received.sorted() == ["R1 v1 created", "R2 v1 created"], "each revision acknowledged once, never again")
            #expect(bed.commands().isEmpty, "an order at 0 stops nothing")
            let schedules = bed.host.published.filter { $0.kind == .schedule }.compactMap { try? $0.decode(EnergySchedule.self) }
            #expect(schedules.map(\.id).sorted() == ["smartoa-OA-1", "smartoa-OA-2"])
            #expect(schedules.allSatisfy { $0.orders.map(\.action) == ["release"] })
            let ledger = try SmartOALedger(path: bed.host.dataDirectory + "/" + SmartOAAdapter.ledgerFile)
            #expect(try await ledger.revisions(in: [.acknowledged]).count == 2)
        }
    }

    @Test(.timeLimit(.minutes(3))) func aStopWithTwoRevisionsAndACancellationCurtailsAndReleasesOnTime() async throws {
        let scenario = Self.scenario([
            .init(id: "S1", contract: "OA-1", revisions: [
                Self.revision(start: 300, end: 1200),
                Self.revision(after: 120, start: 300, end: 1800),
                Self.revision(after: 600, start: 300, end: 1800, cancelled: true),
            ]),
        ])
        try await Bed.run(scenario, configuration: { Bed.configuration(port: $0, contracts: [("OA-1", "plant-a", "on_receipt")]) }) { bed in
            #expect(bed.created == ["S1 v1"])
            try await bed.advance(seconds: 298)
            #expect(bed.created == ["S1 v1", "S1 v2"], "the revision seen at the poll after it appeared")
            #expect(bed.commands().isEmpty, "nothing before the start")
            try await bed.advance(seconds: 3)
            #expect(bed.commands() == ["plant-a curtail"], "curtailed within a second of the start")
            let curtail = try #require(bed.host.published.last { $0.kind == .command }).decode(EnergyCommand.self)
            #expect(curtail.validUntil == EventTime(Bed.start.addingTimeInterval(1800)).timestamp)
            #expect(curtail.reference == "S1 v2")
            try await bed.advance(seconds: 298)  // t = 599: the cancellation is not visible yet
            #expect(bed.commands() == ["plant-a curtail"])
            try await bed.advance(seconds: 3)  // t = 602: the poll at 600 saw it
            #expect(bed.commands() == ["plant-a curtail", "plant-a release"], "released at the cancellation, not at the end")
            try await bed.advance(seconds: 1300)
            #expect(bed.commands() == ["plant-a curtail", "plant-a release"])
            #expect(bed.received == ["S1 v1 created", "S1 v2 created", "S1 v3 created"], "each revision acknowledged once")
            let revisions = bed.host.published.filter { $0.kind == .schedule }.compactMap { try? $0.decode(EnergySchedule.self) }
            #expect(revisions.map(\.revision) == [1, 2, 3])
            #expect(revisions.last?.orders.isEmpty == true, "a cancelled order leaves no order in the schedule")
        }
    }

    @Test(.timeLimit(.minutes(2))) func afterThePlantNothingIsAcknowledgedBeforeItsConfirmationAndSilenceIsAlarmed() async throws {
        let scenario = Self.scenario([.init(id: "S1", contract: "OA-1", revisions: [Self.revision(start: 120, end: 600)])])
        try await Bed.run(scenario, configuration: { Bed.configuration(port: $0, contracts: [("OA-1", "plant-a", "after_plant")]) }) { bed in
            #expect(bed.received.isEmpty, "stored, not acknowledged")
            try await bed.advance(seconds: 122)
            #expect(bed.commands() == ["plant-a curtail"])
            try await bed.advance(seconds: 31)
            #expect(bed.received.isEmpty, "the plant has not confirmed")
            #expect(bed.alarms() == ["plant_ack_missing active"])
            let command = try #require(bed.host.published.last { $0.kind == .command }).decode(EnergyCommand.self)
            var ack = EnergyCommandAck()
            ack.id = command.id
            ack.outcome = AckOutcome.executed.rawValue
            var event = try Event(topic: "sites/producer/plant-a/acks", payload: ack, time: EventTime(bed.now))
            event.source = "plant-a"
            try await bed.host.deliver([event], to: bed.adapter)
            #expect(try await bed.advance(atMost: 3) { bed.created == ["S1 v1"] }, "acknowledged once the plant confirmed")
            #expect(bed.alarms() == ["plant_ack_missing active", "plant_ack_missing cleared"])
        }
    }

    @Test(.timeLimit(.minutes(2))) func theOperatorSeesOrdersAcknowledgementsAndTheLastPollAndTheTokenExpiryIsAlarmed() async throws {
        let scenario = Self.scenario([
            .init(id: "S1", contract: "OA-1", revisions: [Self.revision(start: 60, end: 600)]),
            .init(id: "S2", contract: "OA-1", revisions: [Self.revision(start: 3600, end: 4500, value: 0)]),
        ])
        let expires = Bed.paris(5 * 86_400)  // five days after the start
        try await Bed.run(scenario, configuration: {
            Bed.configuration(port: $0, contracts: [("OA-1", "plant-a", "on_receipt")])
                .replacingOccurrences(of: #""token": "token-a""#, with: #""token": "token-a", "token_expires": "\#(expires)""#)
        }) { bed in
            #expect(bed.alarms() == ["token_expiring active"])
            let alarm = try #require(bed.host.published.first { $0.kind == .alarm }).decode(EnergyAlarm.self)
            #expect(alarm.severity == AlarmSeverity.warning.rawValue && alarm.message.contains("5 days left"))
            try await bed.advance(seconds: 62)
            var command = EnergyCommand()
            command.id = "op-1"
            command.action = "orders"
            var event = try Event(topic: "sites/producer/smartoa/commands", payload: command, time: EventTime(bed.now))
            event.source = Event.operatorSource
            try await bed.host.deliver([event], to: bed.adapter)
            let ack = try #require(bed.host.published.last { $0.kind == .commandAck }).decode(EnergyCommandAck.self)
            #expect(ack.id == "op-1" && ack.outcome == AckOutcome.executed.rawValue)
            let view = try #require(try JSONSerialization.jsonObject(with: Data(ack.detail.utf8)) as? [String: Any])
            let contract = try #require((view["contracts"] as? [[String: Any]])?.first)
            #expect(contract["contract_id"] as? String == "OA-1" && contract["stop_now"] as? Bool == true)
            #expect((contract["current"] as? [[String: Any]])?.map { $0["curtailment_id"] as? String } == ["S1"])
            #expect((contract["current"] as? [[String: Any]])?.first?["acknowledgement"] as? String == "acknowledged")
            #expect((contract["next"] as? [[String: Any]])?.map { $0["curtailment_id"] as? String } == ["S2"])
            #expect((contract["last_command"] as? String)?.hasPrefix("curtail ") == true)
            let poll = try #require((view["polls"] as? [[String: Any]])?.first)
            #expect(poll["account"] as? String == "producer-a" && poll["outcome"] as? String == "ok")
        }
    }
}

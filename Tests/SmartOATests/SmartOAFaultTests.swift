import AdapterKit
import AdapterKitTesting
@testable import EnergySmartOA
import EnergySmartOASimulator
import Foundation
import Testing

/// The platform misbehaving: lost answers, 429, 5xx bursts, an expired token, an undeclared
/// address, an outage during a stop, paging (``SmartOASiteBed``, virtual time).
@Suite(.serialized) struct SmartOAFaultTests {
    typealias Bed = SmartOASiteBed

    static func configuration(_ port: Int, policy: String = "on_receipt") -> String {
        Bed.configuration(port: port, contracts: [("OA-1", "plant-a", policy)])
    }

    /// Seconds since the start of each request the simulator answered after `from`.
    static func requestTimes(_ bed: Bed, from: Int) -> [Int] {
        bed.simulator.requests().map { Int($0.time.timeIntervalSince(Bed.start)) }.filter { $0 >= from }
    }

    @Test(.timeLimit(.minutes(2))) func aLostAnswerIsReconciledBeforeAnythingIsSentAgain() async throws {
        let scenario = SmartOAAdapterTests.scenario([])
        try await Bed.run(scenario, configuration: { Self.configuration($0) }) { bed in
            bed.simulator.holdAcknowledgements(for: .seconds(3))  // longer than request_timeout_s (2)
            try bed.simulator.publish(revision: .init(curtailmentId: "S1", contractId: "OA-1", start: bed.now.addingTimeInterval(600),
                                                      end: bed.now.addingTimeInterval(1500), value: 1))
            try await bed.advance(seconds: 61)  // the poll at 60 s: stored, sent, the answer lost
            #expect(bed.received == ["S1 v1 created"])
            bed.simulator.holdAcknowledgements(for: nil)
            #expect(try await bed.advance(atMost: 60) { bed.host.logs.contains { $0.message == "order revision acknowledged" } })
            #expect(bed.received == ["S1 v1 created"], "reconciled with GET /acknowledgements: no second POST")
            #expect(bed.simulator.requests().contains { $0.path.hasPrefix("/acknowledgements?") })
            let ledger = try SmartOALedger(path: bed.host.dataDirectory + "/" + SmartOAAdapter.ledgerFile)
            #expect(try await ledger.revisions(in: [.acknowledged]).map(\.order.key.description) == ["S1 v1"])
        }
    }

    @Test(.timeLimit(.minutes(2))) func rateLimitedPollsWaitTheRetryAfter() async throws {
        try await Bed.run(SmartOAAdapterTests.scenario([]), configuration: { Self.configuration($0) }) { bed in
            bed.simulator.rateLimitNext(1, retryAfter: 150)
            try await bed.advance(seconds: 300)
            let times = Self.requestTimes(bed, from: 1)
            #expect(times.first == 60, "the poll at 60 s is answered 429")
            #expect(times.dropFirst().first == 210, "the next one waits the 150 s asked for: \(times)")
            #expect(!bed.alarms().contains("platform_unreachable active"))
        }
    }

    @Test(.timeLimit(.minutes(2))) func aBurstOf5xxBacksOffAlarmsAfterThreeAndLosesNoAcknowledgement() async throws {
        try await Bed.run(SmartOAAdapterTests.scenario([]), configuration: { Self.configuration($0) }) { bed in
            bed.simulator.failNext(4, status: 500)
            try bed.simulator.publish(revision: .init(curtailmentId: "S1", contractId: "OA-1", start: bed.now.addingTimeInterval(900),
                                                      end: bed.now.addingTimeInterval(1800), value: 1))
            try await bed.advance(seconds: 200)
            #expect(Self.requestTimes(bed, from: 1).prefix(4) == [60, 65, 75, 95], "5 s doubling")
            #expect(bed.alarms() == ["platform_unreachable active", "platform_unreachable cleared"])
            #expect(bed.received == ["S1 v1 created"])
        }
    }

    @Test(.timeLimit(.minutes(2))) func anExpiredTokenIsCriticalAndNeverRetriedInATightLoop() async throws {
        try await Bed.run(SmartOAAdapterTests.scenario([]), configuration: { Self.configuration($0) }) { bed in
            bed.simulator.setExpired(token: "token-a", true)
            try await bed.advance(seconds: 1800)
            #expect(Self.requestTimes(bed, from: 1) == [60, 960], "401 at 60 s, then 15 minutes apart")
            #expect(bed.alarms() == ["token_rejected active"])
            let alarm = try #require(bed.host.published.last { $0.kind == .alarm }).decode(EnergyAlarm.self)
            #expect(alarm.severity == AlarmSeverity.critical.rawValue)
        }
    }

    @Test(.timeLimit(.minutes(2))) func anotherClientErrorIsAlarmedWithItsBodyAndNotRetriedBeforeTheNextPoll() async throws {
        try await Bed.run(SmartOAAdapterTests.scenario([]), configuration: { Self.configuration($0) }) { bed in
            bed.simulator.failNext(1, status: 400)
            try await bed.advance(seconds: 150)
            #expect(Self.requestTimes(bed, from: 1).prefix(2) == [60, 120], "the next poll at the interval, not sooner")
            #expect(bed.alarms() == ["request_refused active", "request_refused cleared"])
            let alarm = try #require(bed.host.published.first { $0.kind == .alarm }).decode(EnergyAlarm.self)
            #expect(alarm.message.contains("HTTP 400") && alarm.message.contains("error"), "the body is in the alarm: \(alarm.message)")
            #expect(bed.host.logs.contains { $0.message == "poll failed" && $0.metadata["outcome"] == "client_error" })
        }
    }

    @Test(.timeLimit(.minutes(2))) func anUndeclaredAddressOrAResetIsDiagnosedAsSuch() async throws {
        try await Bed.run(SmartOAAdapterTests.scenario([]), configuration: { Self.configuration($0) }) { bed in
            bed.simulator.forbidAll(true)
            try await bed.advance(seconds: 61)
            #expect(bed.alarms() == ["access_refused active"])
            let alarm = try #require(bed.host.published.last { $0.kind == .alarm }).decode(EnergyAlarm.self)
            #expect(alarm.message.contains("403") && alarm.message.contains("IP address"))
            bed.simulator.forbidAll(false)
            try await bed.advance(seconds: 60)
            #expect(bed.alarms() == ["access_refused active", "access_refused cleared"])
            bed.simulator.resetNext(1)
            try await bed.advance(seconds: 60)
            #expect(bed.alarms().last == "access_refused active", "a reset connection: the same diagnostic: \(bed.host.logs.map(\.metadata).suffix(3))")
        }
    }

    @Test(.timeLimit(.minutes(3))) func anOutageLeavesTheStoredScheduleRunningAndInventsNoStop() async throws {
        let scenario = SmartOAAdapterTests.scenario([
            .init(id: "S1", contract: "OA-1", revisions: [SmartOAAdapterTests.revision(start: 300, end: 600)]),
        ])
        try await Bed.run(scenario, configuration: { Self.configuration($0) }) { bed in
            bed.simulator.failNext(10_000, status: 503)
            try await bed.advance(seconds: 1200)
            #expect(bed.commands() == ["plant-a curtail", "plant-a release"], "the stored order executed without the platform")
            #expect(bed.alarms().filter { $0.hasPrefix("platform") } == ["platform_unreachable active"])
            #expect(bed.received == ["S1 v1 created"])
        }
    }

    @Test(.timeLimit(.minutes(2))) func everyPageIsReadWhenThePlatformServesTwoItemsAtATime() async throws {
        let orders = (1...5).map { index in
            SmartOAScenario.Curtailment(id: "P\(index)", contract: "OA-1", revisions: [
                SmartOAAdapterTests.revision(start: 3600 * index, end: 3600 * index + 900, value: index % 2),
            ])
        }
        try await Bed.run(SmartOAAdapterTests.scenario(orders, maxPageSize: 2), configuration: { Self.configuration($0) }) { bed in
            #expect(bed.created.sorted() == ["P1 v1", "P2 v1", "P3 v1", "P4 v1", "P5 v1"])
            #expect(bed.simulator.requests().filter { $0.path.hasPrefix("/curtailments?") }.count == 3)
        }
    }
}

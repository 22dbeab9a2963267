import AdapterKit
@testable import EnergyInterruptibility
import Testing

/// The site's trip and restore, input by input: what must be true when the shed leaves and when a
/// restore is answered, whatever the audit trail does.
@Suite struct SiteMachineTests {
    typealias Action = SiteMachine.Action

    /// A machine on one point, tripped by a 3 s dip; returns it with the trip's actions.
    static func tripped() throws -> (SiteMachine, FrequencyTrigger.Trip, [Action]) {
        var machine = SiteMachine(trigger: try FrequencyTriggerTests.trigger())
        var actions: [Action] = []
        for index in 0...15 {
            let time = FrequencyTriggerTests.step * index
            actions += machine.observe(FrequencySample(point: "a", time: time, frequency: Millihertz(49_700)), now: time)
        }
        let trip = try #require(machine.trigger.trip)
        return (machine, trip, actions.filter { if case .noticed = $0 { false } else { true } })
    }

    static func restore(_ id: String = "cmd-1", by operatorName: String = "alice", reference: String = "RTE-1") -> EnergyCommand {
        var command = EnergyCommand()
        command.id = id
        command.action = "restore"
        command.issuedBy = operatorName
        command.reference = reference
        return command
    }

    static func request(_ id: String = "cmd-1") -> SiteMachine.RestoreRequest {
        .init(commandID: id, issuedBy: "alice", reference: "RTE-1", reason: "")
    }

    @Test func theTripIsWrittenBeforeTheShedLeavesAndReportedFromTheTrip() throws {
        var (machine, trip, actions) = try Self.tripped()
        #expect(actions == [.recordTrip(trip), .arm(.shedWait, after: .milliseconds(50))])
        #expect(machine.isTripped)  // the reports say state true from the trip, not from its record
        #expect(machine.tripRecorded(id: 7) == [
            .auditAlarm(raised: false, message: "the trip is written to the audit trail"),
            .shed(trip, resumed: false), .logShedSent(tripID: 7, trip),
        ])
        #expect(machine.fired(.shedWait).isEmpty)  // shed once
        #expect(machine.tripRecorded(id: 8).isEmpty)
    }

    @Test func aSlowOrFailingAuditTrailNeverHoldsTheShedBack() throws {
        // Slow: the shed leaves when the wait ends, and the record's line follows it.
        var (slow, trip, _) = try Self.tripped()
        #expect(slow.fired(.shedWait).first == .shed(trip, resumed: false))
        #expect(slow.tripRecorded(id: 1).contains(.logShedSent(tripID: 1, trip)))
        #expect(!slow.tripRecorded(id: 1).contains(.shed(trip, resumed: false)))

        // Failing: the shed leaves at the failure, the alarm is raised, and the write is retried,
        // 100 ms then doubling up to 5 s.
        var (failing, _, _) = try Self.tripped()
        let failed = failing.tripRecordFailed("disk I/O error")
        #expect(failed == [
            .auditAlarm(raised: true, message: "the trip cannot be written to the audit trail: disk I/O error"),
            .shed(trip, resumed: false), .arm(.tripRecordRetry, after: .milliseconds(100)),
        ])
        var pauses: [Duration] = []
        for _ in 0..<8 {
            #expect(failing.fired(.tripRecordRetry) == [.recordTrip(trip)])
            for case .arm(.tripRecordRetry, let pause) in failing.tripRecordFailed("disk I/O error") { pauses.append(pause) }
        }
        #expect(pauses == [200, 400, 800, 1600, 3200, 5000, 5000, 5000].map { .milliseconds($0) })
        #expect(failing.fired(.shedWait).isEmpty)
        #expect(failing.tripRecorded(id: 3) == [.auditAlarm(raised: false, message: "the trip is written to the audit trail"), .logShedSent(tripID: 3, trip)])
    }

    @Test func aRestoreIsWrittenBeforeTheLoadComesBack() throws {
        var (machine, trip, _) = try Self.tripped()
        _ = machine.tripRecorded(id: 4)
        #expect(machine.commanded(Self.restore(), from: Event.operatorSource) == [
            .arm(.restoreDeadline(commandID: "cmd-1"), after: .seconds(3)), .recordRestore(tripID: 4, Self.request()),
        ])
        #expect(machine.isTripped)
        #expect(machine.commanded(Self.restore("cmd-2"), from: Event.operatorSource) == [.answer(commandID: "cmd-2", .rejected, "restore cmd-1 is under way")])
        #expect(machine.restoreRecorded(commandID: "cmd-1") == [
            .restore(tripID: 4, Self.request()), .answer(commandID: "cmd-1", .executed, "load restored (trip 4)"),
        ])
        #expect(!machine.isTripped && machine.trigger.trip == nil)
        #expect(machine.fired(.restoreDeadline(commandID: "cmd-1")).isEmpty)
        #expect(machine.commanded(Self.restore("cmd-3"), from: Event.operatorSource) == [.answer(commandID: "cmd-3", .rejected, "no trip is held")])
        _ = trip
    }

    @Test func aRestoreIsAnsweredByItsDeadlineWhateverTheAuditTrailDoes() throws {
        // The trip is not written yet: the restore waits for it, then fails at its deadline.
        var (unwritten, _, _) = try Self.tripped()
        #expect(unwritten.commanded(Self.restore(), from: Event.operatorSource) == [.arm(.restoreDeadline(commandID: "cmd-1"), after: .seconds(3))])
        let expired = unwritten.fired(.restoreDeadline(commandID: "cmd-1"))
        #expect(expired.count == 1 && expired.first.map { if case .answer("cmd-1", .failed, _) = $0 { true } else { false } } == true)
        #expect(unwritten.isTripped)
        #expect(!unwritten.tripRecorded(id: 2).contains { if case .recordRestore = $0 { true } else { false } })

        // Written meanwhile: the restore's own write starts then.
        var (waiting, _, _) = try Self.tripped()
        _ = waiting.commanded(Self.restore(), from: Event.operatorSource)
        #expect(waiting.tripRecorded(id: 2).last == .recordRestore(tripID: 2, Self.request()))

        // The restore's write outlives its deadline: answered failed, the write abandoned if it has
        // not started; if it completes anyway, the load is restored (the audit trail says so) and logged.
        var (slow, _, _) = try Self.tripped()
        _ = slow.tripRecorded(id: 5)
        _ = slow.commanded(Self.restore(), from: Event.operatorSource)
        let late = slow.fired(.restoreDeadline(commandID: "cmd-1"))
        #expect(late.first == .abandonRestoreRecord(commandID: "cmd-1"))
        #expect(late.last.map { if case .answer("cmd-1", .failed, _) = $0 { true } else { false } } == true)
        let completed = slow.restoreRecorded(commandID: "cmd-1")
        #expect(completed.first == .restore(tripID: 5, Self.request()))
        #expect(completed.last.map { if case .log("restore_late", 5, _) = $0 { true } else { false } } == true)
        #expect(!slow.isTripped)

        var (refused, _, _) = try Self.tripped()
        _ = refused.tripRecorded(id: 6)
        _ = refused.commanded(Self.restore(), from: Event.operatorSource)
        #expect(refused.restoreRecordFailed(commandID: "cmd-1", "disk full") == [
            .answer(commandID: "cmd-1", .failed, "the audit trail could not record the restore: disk full"),
        ])
        #expect(refused.isTripped)
    }

    @Test func onlyAnAuthenticatedOperatorWithAReferenceRestores() throws {
        var (machine, _, _) = try Self.tripped()
        _ = machine.tripRecorded(id: 1)
        for (command, source) in [
            (Self.restore(), "plc"), (Self.restore(by: ""), Event.operatorSource), (Self.restore(reference: ""), Event.operatorSource),
        ] {
            let answer = machine.commanded(command, from: source)
            #expect(answer.count == 1 && answer.first.map { if case .answer(_, .rejected, _) = $0 { true } else { false } } == true)
        }
        var shed = Self.restore()
        shed.action = "shed"
        #expect(machine.commanded(shed, from: Event.operatorSource) == [.answer(commandID: "cmd-1", .rejected, "unknown action \"shed\": this adapter takes restore")])
        #expect(machine.isTripped)
    }

    @Test func aTripHeldAcrossARestartIsShedAgainAtStart() throws {
        let (_, trip, _) = try Self.tripped()
        var restarted = SiteMachine(trigger: try FrequencyTriggerTests.trigger(), resumed: (id: 9, trip: trip))
        #expect(restarted.isTripped)
        #expect(restarted.start() == [.shed(trip, resumed: true), .log(kind: "resumed", tripID: 9, detail: "trip still held after a restart; shed again")])
        #expect(restarted.start().isEmpty)
        var armed = SiteMachine(trigger: try FrequencyTriggerTests.trigger())
        #expect(armed.start().isEmpty && !armed.isTripped)
    }
}

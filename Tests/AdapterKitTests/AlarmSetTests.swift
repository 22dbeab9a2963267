import AdapterKit
import Testing

/// Each alarm raised once and cleared once; escalation published; one code for several subjects.
@Suite struct AlarmSetTests {
    @Test func raisesOnceAndClearsOnce() {
        var alarms = AlarmSet()
        let raised = alarms.raise("link_lost", severity: .critical, "no frame")
        #expect(raised == EnergyAlarm(code: "link_lost", severity: .critical, message: "no frame", active: true))
        #expect(alarms.raise("link_lost", severity: .critical, "still no frame") == nil)
        #expect(alarms.isActive("link_lost"))
        #expect(alarms.clear("link_lost", "frames again") == EnergyAlarm(code: "link_lost", severity: .info, message: "frames again", active: false))
        #expect(alarms.clear("link_lost", "frames again") == nil)
        #expect(alarms.clear("never_raised", "x") == nil)
        #expect(alarms.active.isEmpty)
    }

    @Test func anotherSeverityIsPublishedAsTheNewLevel() {
        var alarms = AlarmSet()
        #expect(alarms.raise("certificate_expiry", severity: .warning, "30 days")?.alarmSeverity == .warning)
        #expect(alarms.raise("certificate_expiry", severity: .warning, "29 days") == nil)
        #expect(alarms.raise("certificate_expiry", severity: .critical, "7 days")?.alarmSeverity == .critical)
    }

    @Test func oneCodeIsKeptApartPerSubject() {
        var alarms = AlarmSet()
        #expect(alarms.raise("frequency_gap", for: "a", severity: .warning, "a silent") != nil)
        #expect(alarms.raise("frequency_gap", for: "b", severity: .warning, "b silent") != nil)
        #expect(alarms.clear("frequency_gap", for: "a", "a back")?.code == "frequency_gap")
        #expect(alarms.isActive("frequency_gap", for: "b") && !alarms.isActive("frequency_gap", for: "a"))
    }

    @Test func theVocabularyRoundTrips() {
        #expect(EnergyCommandAck(id: "c1", outcome: .executed, detail: "done").ackOutcome == .executed)
        var unknown = EnergyCommandAck()
        unknown.outcome = "maybe"
        #expect(unknown.ackOutcome == nil)
        #expect(EnergyStatus(available: false, state: .linkLost).state == "link_lost")
        #expect(AlarmSeverity.allCases.map(\.rawValue) == ["info", "warning", "critical"])
    }
}

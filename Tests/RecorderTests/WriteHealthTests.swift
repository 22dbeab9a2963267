@testable import EnergyRecorder
import Testing

/// The recorder's write-failure state machine: one alarm per failure period, a rate-limited
/// summary while it lasts, and recovery only after writes succeeded for the recovery period.
@Suite struct WriteHealthTests {
    @Test func failuresAreReportedOnceThenSummarisedAndRecoveryWaitsForTheRecoveryPeriod() {
        var health = WriteHealth(logInterval: .seconds(60), recoveryPeriod: .seconds(10))
        #expect(health.succeeded(now: .seconds(0)) == nil)
        guard case .startFailing(let message)? = health.failed(events: 5, error: "No space left on device", now: .seconds(1)) else {
            Issue.record("the first failure starts the failing period")
            return
        }
        #expect(message.contains("No space left on device"))
        #expect(health.failed(events: 5, error: "full", now: .seconds(2)) == nil)
        // A batch that fits does not end the period at once (a nearly full disk flaps)...
        #expect(health.succeeded(now: .seconds(3)) == nil)
        #expect(health.failed(events: 5, error: "full", now: .seconds(4)) == nil)
        #expect(health.succeeded(now: .seconds(5)) == nil)
        #expect(health.succeeded(now: .seconds(14)) == nil)
        // ...a minute later, still failing: one summary.
        #expect(health.failed(events: 5, error: "full", now: .seconds(61)) == .stillFailing("still cannot write: full; 20 events lost in 4 batches so far"))
        #expect(health.failed(events: 5, error: "full", now: .seconds(62)) == nil)
        #expect(health.succeeded(now: .seconds(70)) == nil)
        #expect(health.succeeded(now: .seconds(80)) == .recovered("writing again; 25 events were lost in 5 batches"))
        #expect(!health.isFailing)
    }
}

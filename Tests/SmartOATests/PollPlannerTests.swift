import AdapterKit
@testable import EnergySmartOA
import Testing

@Suite struct PollPlannerTests {
    let now = EventTime(nanosecondsSinceEpoch: 1_775_000_000_000_000_000)

    func planner() -> PollPlanner {
        PollPlanner(interval: .seconds(120), jitter: .seconds(10), resyncInterval: .seconds(3600))
    }

    @Test func successWaitsTheIntervalPlusJitter() {
        var planner = planner()
        #expect(planner.next(after: .success, resync: true, at: now, random: 0) == .seconds(120))
        #expect(planner.next(after: .success, resync: false, at: now, random: 0.5) == .seconds(125))
    }

    @Test func resyncAtStartThenEveryResyncInterval() {
        var planner = planner()
        #expect(planner.isResyncDue(at: now))
        _ = planner.next(after: .unavailable("HTTP 503", retryAfter: nil), resync: true, at: now, random: 0)
        #expect(planner.isResyncDue(at: now), "a failed resync is not one")
        _ = planner.next(after: .success, resync: true, at: now, random: 0)
        #expect(!planner.isResyncDue(at: EventTime(sinceEpoch: now.sinceEpoch + .seconds(3599))))
        #expect(planner.isResyncDue(at: EventTime(sinceEpoch: now.sinceEpoch + .seconds(3600))))
    }

    @Test func unavailableBacksOffFrom5sToTheIntervalAndHonoursRetryAfter() {
        var planner = planner()
        let delays = (0..<7).map { _ in planner.next(after: .unavailable("timeout", retryAfter: nil), resync: false, at: now, random: 0) }
        #expect(delays == [.seconds(5), .seconds(10), .seconds(20), .seconds(40), .seconds(80), .seconds(120), .seconds(120)])
        #expect(planner.next(after: .unavailable("HTTP 503", retryAfter: .seconds(300)), resync: false, at: now, random: 0) == .seconds(300))
        #expect(planner.next(after: .reset("Connection reset by peer"), resync: false, at: now, random: 0) == .seconds(120))
        #expect(planner.next(after: .success, resync: false, at: now, random: 0) == .seconds(120))
        #expect(planner.consecutiveFailures == 0)
    }

    @Test func rateLimitedWaitsWhatThePlatformAsks() {
        var planner = planner()
        #expect(planner.next(after: .rateLimited(retryAfter: .seconds(42)), resync: false, at: now, random: 0.9) == .seconds(42))
        #expect(planner.next(after: .rateLimited(retryAfter: nil), resync: false, at: now, random: 0.9) == .seconds(120))
    }

    @Test func aRejectedTokenIsNeverRetriedInATightLoop() {
        var planner = planner()
        for _ in 0..<5 { #expect(planner.next(after: .unauthorized, resync: false, at: now, random: 0) == .seconds(900)) }
        #expect(planner.next(after: .forbidden, resync: false, at: now, random: 0) == .seconds(120))
        #expect(planner.next(after: .clientError(status: 400, body: "bad"), resync: false, at: now, random: 0) == .seconds(120))
    }
}

@Suite struct AccountAlarmsTests {
    let now = EventTime(nanosecondsSinceEpoch: 1_775_000_000_000_000_000)

    @Test func eachFailureHasItsOwnAlarmRaisedOnceAndClearedBySuccess() {
        var alarms = AlarmSet()
        let unauthorized = AccountAlarms.update(&alarms, account: "p1", outcome: .unauthorized, failuresInARow: 1)
        #expect(unauthorized.map(\.code) == ["token_rejected"])
        #expect(unauthorized.first?.severity == AlarmSeverity.critical.rawValue)
        #expect(AccountAlarms.update(&alarms, account: "p1", outcome: .unauthorized, failuresInARow: 2).isEmpty)
        let forbidden = AccountAlarms.update(&alarms, account: "p1", outcome: .forbidden, failuresInARow: 3)
        #expect(forbidden.map(\.code) == ["token_rejected", "access_refused"])
        #expect(forbidden.first?.active == false)
        #expect(forbidden.last?.message.contains("IP address declared") == true)
        let reset = AccountAlarms.update(&alarms, account: "p1", outcome: .reset("Connection reset by peer"), failuresInARow: 4)
        #expect(reset.isEmpty, "a reset is the same diagnostic as a 403")
        #expect(AccountAlarms.update(&alarms, account: "p1", outcome: .unavailable("HTTP 500", retryAfter: nil), failuresInARow: 2).map(\.code) == ["access_refused"])
        #expect(AccountAlarms.update(&alarms, account: "p1", outcome: .unavailable("HTTP 500", retryAfter: nil), failuresInARow: 3).map(\.code) == ["platform_unreachable"])
        let refused = AccountAlarms.update(&alarms, account: "p1", outcome: .clientError(status: 400, body: "contractId missing"), failuresInARow: 4)
        #expect(refused.map(\.code) == ["request_refused", "platform_unreachable"])
        #expect(refused.first?.message.contains("contractId missing") == true)
        #expect(AccountAlarms.update(&alarms, account: "p1", outcome: .success, failuresInARow: 0).map(\.code) == ["request_refused"])
        #expect(alarms.active.isEmpty)
    }

    @Test func tokenExpiryAlarms30And7And1DayAheadThenExpired() {
        var alarms = AlarmSet()
        let expires = EventTime(sinceEpoch: now.sinceEpoch + .seconds(86_400 * 40))
        func at(daysLeft: Double) -> [EnergyAlarm] {
            AccountAlarms.expiry(&alarms, account: "p1", expires: expires, at: EventTime(sinceEpoch: expires.sinceEpoch - .seconds(daysLeft * 86_400)))
        }
        #expect(at(daysLeft: 31).isEmpty)
        #expect(at(daysLeft: 30).map(\.severity) == [AlarmSeverity.info.rawValue])
        #expect(at(daysLeft: 20).isEmpty)
        #expect(at(daysLeft: 7).map(\.severity) == [AlarmSeverity.warning.rawValue])
        #expect(at(daysLeft: 1).map(\.severity) == [AlarmSeverity.critical.rawValue])
        let expired = at(daysLeft: -0.01)
        #expect(expired.map(\.code) == ["token_expired", "token_expiring"])
        #expect(at(daysLeft: -3).isEmpty)
    }
}

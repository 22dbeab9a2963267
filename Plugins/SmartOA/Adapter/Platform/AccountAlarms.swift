import AdapterKit

/// The alarms of one account, from its polls and its token's expiry date: each raised once and
/// cleared once (``AlarmSet``), with the account as subject.
///
/// | code | when | severity |
/// |---|---|---|
/// | `token_rejected` | 401 | critical |
/// | `access_refused` | 403 or a reset connection (an undeclared address?) | critical |
/// | `request_refused` | another 4xx, or an answer without the assumed shape | warning |
/// | `platform_unreachable` | 3 polls in a row without an answer (5xx, timeouts) | warning |
/// | `token_expiring` | 30 days (info), 7 days (warning), 1 day (critical) before the expiry | |
/// | `token_expired` | the expiry date has passed | critical |
enum AccountAlarms {
    /// Polls failed in a row before `platform_unreachable`.
    static let unreachableAfter = 3

    /// The alarms to publish after a poll of `account` ended with `outcome`.
    static func update(_ alarms: inout AlarmSet, account: String, outcome: PollOutcome, failuresInARow: Int) -> [EnergyAlarm] {
        var changes: [EnergyAlarm?] = []
        func set(_ code: String, _ raised: Bool, severity: AlarmSeverity, _ message: String, cleared: String) {
            changes.append(raised ? alarms.raise(code, for: account, severity: severity, message) : alarms.clear(code, for: account, cleared))
        }
        let unreachable: Bool
        switch outcome {
        case .unavailable, .rateLimited: unreachable = failuresInARow >= unreachableAfter
        default: unreachable = false
        }
        set("token_rejected", outcome == .unauthorized, severity: .critical,
            "account \(account): the platform refuses its token (401): renew it; polls wait 15 min in between",
            cleared: "account \(account): token accepted again")
        let refused: Bool
        switch outcome {
        case .forbidden, .reset: refused = true
        default: refused = false
        }
        set("access_refused", refused, severity: .critical,
            "account \(account): access refused (\(outcome == .forbidden ? "403" : "connection reset")): is this gateway's IP address declared to EDF OA?",
            cleared: "account \(account): access granted again")
        var requestProblem: String?
        if case .clientError(let status, let body) = outcome { requestProblem = "HTTP \(status): \(body)" }
        if case .malformed(let reason) = outcome { requestProblem = reason }
        set("request_refused", requestProblem != nil, severity: .warning,
            "account \(account): \(requestProblem ?? "")", cleared: "account \(account): requests answered again")
        set("platform_unreachable", unreachable, severity: .warning,
            "account \(account): no answer from the platform for \(failuresInARow) polls; the stored orders keep running",
            cleared: "account \(account): the platform answers again")
        return changes.compactMap { $0 }
    }

    /// The expiry alarms of `account`'s token at `time`.
    static func expiry(_ alarms: inout AlarmSet, account: String, expires: EventTime, at time: EventTime) -> [EnergyAlarm] {
        let left = expires.sinceEpoch - time.sinceEpoch
        let day = Duration.seconds(86_400)
        let days = Int(left / day)
        var changes: [EnergyAlarm?] = []
        if left <= .zero {
            changes.append(alarms.raise("token_expired", for: account, severity: .critical, "account \(account): the token expired at \(expires)"))
            changes.append(alarms.clear("token_expiring", for: account, "account \(account): the token expired"))
        } else {
            changes.append(alarms.clear("token_expired", for: account, "account \(account): a new token is configured"))
            let severity: AlarmSeverity? = left <= day ? .critical : left <= day * 7 ? .warning : left <= day * 30 ? .info : nil
            if let severity {
                changes.append(alarms.raise("token_expiring", for: account, severity: severity,
                                            "account \(account): the token expires at \(expires) (\(days) days left)"))
            } else {
                changes.append(alarms.clear("token_expiring", for: account, "account \(account): a new token is configured"))
            }
        }
        return changes.compactMap { $0 }
    }
}

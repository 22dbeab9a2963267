import AdapterKit
import AdapterKitHTTPClient

/// The BACS's acceptFlexRequest to the operator (level 2): once a request is accepted or modified
/// and stored, the BACS tells the operator, `POST {accept_url}/bacs/{bacs_id}/assets/{asset_id}/
/// flexibilities/request/{request_id}/accept` with `{"requestID", "status", "power"}` (the power
/// committed: the counter-proposal's when modified). The référentiel gives the function and its
/// rule, not its route: this one follows the API's paths. Without an acknowledgement (a 2xx) within
/// 5 s it is sent once more 5 s later; then the failure is logged and alarmed.
struct FlexAcceptance: Sendable {
    /// How an acceptance ended.
    enum Outcome: Sendable, Hashable {
        /// Acknowledged, at the first or second attempt.
        case acknowledged(attempt: Int)
        /// Not acknowledged twice: the last attempt's reason.
        case unacknowledged(String)
        /// The adapter is stopping: nothing more is sent, nothing is alarmed.
        case cancelled
    }

    /// How long the operator has to acknowledge, and the pause before the one retry.
    static let acknowledgementTimeout = Duration.seconds(5)
    static let retryDelay = Duration.seconds(5)

    let client: HTTPClientResource
    let clock: any Clock<Duration>
    var retryDelay = Self.retryDelay

    /// Whether `entry` calls for an acceptFlexRequest: a level 2 answer accepted or modified.
    static func due(_ entry: FlexRequestBook.Entry) -> Bool {
        switch entry.decision {
        case .accepted, .modified: true
        case .refused, .receivedWithoutCommitment: false
        }
    }

    /// The body: `{"requestID", "status", "power": [the committed steps]}`.
    static func body(of entry: FlexRequestBook.Entry) -> JSONValue {
        var power = entry.body.power
        if case .modified(let capped) = entry.decision { power = capped }
        return .object(["requestID": .string(entry.requestID), "status": .string(entry.decision.status), "power": .array(power.map(\.json))])
    }

    /// Sends the acceptance of `entry`, retried once after ``retryDelay`` without an acknowledgement.
    func send(_ entry: FlexRequestBook.Entry) async -> Outcome {
        let path = FlexBACSRoutes.fill(FlexBACSRoutes.acceptancePath, bacsID: entry.bacsID, assetID: entry.assetID, requestID: entry.requestID)
        var request = HTTPRequestSpec.json("POST", path: path, body: Array(Self.body(of: entry).jsonText.utf8))
        request.timeout = Self.acknowledgementTimeout
        var reason = ""
        for attempt in 1...2 {
            if attempt == 2 {
                do { try await clock.sleep(for: retryDelay) } catch { return .cancelled }
            }
            do {
                let answer = try await client.send(request)
                // A redirection is not an acknowledgement.
                if answer.status < 300 { return .acknowledged(attempt: attempt) }
                reason = "HTTP \(answer.status)"
            } catch {
                if case .cancelled = error { return .cancelled }
                reason = error.description
            }
        }
        return .unacknowledged(reason)
    }

    /// The `flex_acceptance_unacknowledged` alarm (warning): raised when an acceptance is not
    /// acknowledged after its retry, cleared by the next one acknowledged.
    actor Alarm {
        private var alarms = AlarmSet()

        /// The alarm to publish after `outcome` for `request`, nil when nothing changes.
        func update(after outcome: Outcome, request: String) -> EnergyAlarm? {
            switch outcome {
            case .acknowledged: alarms.clear("flex_acceptance_unacknowledged", "the operator acknowledged acceptFlexRequest of \(request)")
            case .unacknowledged(let reason):
                alarms.raise("flex_acceptance_unacknowledged", severity: .warning, "acceptFlexRequest of \(request) not acknowledged by the operator after a retry: \(reason)")
            case .cancelled: nil
            }
        }
    }
}

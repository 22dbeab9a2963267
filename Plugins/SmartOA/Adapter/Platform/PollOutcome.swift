import AdapterKitHTTPClient

/// How a poll of an account ended, classified as the operator must hear of it.
enum PollOutcome: Sendable, Hashable {
    /// Every request answered.
    case success
    /// 401: the token is invalid or expired.
    case unauthorized
    /// 403: refused, most likely an address the platform has not declared for the account.
    case forbidden
    /// The connection was reset: also a sign of an undeclared address (filtered upstream).
    case reset(String)
    /// 429, with the delay the platform asked for.
    case rateLimited(retryAfter: Duration?)
    /// 5xx (with its `Retry-After`), a timeout or no connection.
    case unavailable(String, retryAfter: Duration?)
    /// Another 4xx: the request itself is refused; not retried before the next poll.
    case clientError(status: Int, body: String)
    /// An answer without the assumed shape.
    case malformed(String)

    /// The outcome of a failed call.
    init(_ failure: SmartOAClient.Failure) {
        switch failure {
        case .malformed(let reason): self = .malformed(reason)
        case .http(let failure):
            switch failure {
            case .unauthorized: self = .unauthorized
            case .forbidden: self = .forbidden
            case .rateLimited(_, let retryAfter): self = .rateLimited(retryAfter: retryAfter)
            case .serverError(let answer, let retryAfter): self = .unavailable("HTTP \(answer.status)", retryAfter: retryAfter)
            case .clientError(let answer): self = .clientError(status: answer.status, body: String(answer.text.prefix(500)))
            case .transport(let reason): self = Self.isReset(reason) ? .reset(reason) : .unavailable(reason, retryAfter: nil)
            case .cancelled: self = .unavailable("cancelled", retryAfter: nil)
            }
        }
    }

    /// Whether a transport failure is the connection reset or closed by the other end without an
    /// answer (what a filtering firewall does), rather than a refusal or a timeout.
    static func isReset(_ reason: String) -> Bool {
        let reason = reason.lowercased()
        return reason.contains("reset") || reason.contains("remoteconnectionclosed")
    }

    /// A short word for the operator view and the metrics.
    var label: String {
        switch self {
        case .success: "ok"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .reset: "connection_reset"
        case .rateLimited: "rate_limited"
        case .unavailable: "unavailable"
        case .clientError: "client_error"
        case .malformed: "malformed"
        }
    }
}

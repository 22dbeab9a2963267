public import Foundation

/// A request to send: a method, a path appended to the base URL, headers and a body.
public struct HTTPRequestSpec: Sendable {
    /// `GET`, `POST`, `PUT`, `DELETE`...
    public var method: String
    /// Appended to the settings' base URL (`/api/data`, `/v1/contracts?page=2`); empty for the base
    /// URL itself; a whole `http(s)://` URL is used as it is (an OAuth token endpoint on another host).
    public var path: String
    /// Extra headers (the bearer token is added from the settings).
    public var headers: [(name: String, value: String)]
    /// The body, if any.
    public var body: [UInt8]?
    /// How long this request may take, instead of the settings' `requestTimeout` (a protocol
    /// whose functions have their own timeouts: Flex Ready's 5 s askFlex, 15 min realization). Each read still stops after the settings' `requestTimeout`: set that to the longest.
    public var timeout: Duration?

    /// A request without a body.
    public init(
        method: String = "GET", path: String = "", headers: [(name: String, value: String)] = [], body: [UInt8]? = nil, timeout: Duration? = nil
    ) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// A request with a JSON body (`Content-Type` and `Accept: application/json`).
    public static func json(_ method: String, path: String = "", body: [UInt8]) -> HTTPRequestSpec {
        HTTPRequestSpec(
            method: method, path: path,
            headers: [("Content-Type", "application/json"), ("Accept", "application/json")], body: body
        )
    }
}

/// An answer from the server.
public struct HTTPAnswer: Sendable, Hashable {
    /// The status code.
    public var status: Int
    /// The headers, as received (names in lowercase).
    public var headers: [String: String]
    /// The body (at most the client's limit).
    public var body: [UInt8]

    /// Creates an answer.
    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The delay a `Retry-After` header asks for: delay-seconds, or an HTTP date relative to `now`.
    public func retryAfter(now: Date) -> Duration? {
        guard let value = headers["retry-after"]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
    }
}

/// Why a request did not succeed, classified as an adapter must treat it.
public enum HTTPFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// 401: the credentials are invalid or expired. Not retried; alarm, and do not loop.
    case unauthorized(HTTPAnswer)
    /// 403: refused (often an address the server does not know). Not retried.
    case forbidden(HTTPAnswer)
    /// 429: too many requests; wait `retryAfter` when the server gave it.
    case rateLimited(HTTPAnswer, retryAfter: Duration?)
    /// Another 4xx: the request itself is wrong. Not retried; log the body.
    case clientError(HTTPAnswer)
    /// 5xx: the server failed; retried with backoff (`retryAfter` when given, e.g. with 503).
    case serverError(HTTPAnswer, retryAfter: Duration?)
    /// No answer: connection refused or reset, TLS failure, timeout. Retried with backoff.
    case transport(String)
    /// The caller's task was cancelled (a shutdown): neither a failure of the peer nor retried.
    case cancelled

    /// The failure for a status outside 2xx–3xx.
    public static func classify(_ answer: HTTPAnswer, now: Date) -> HTTPFailure {
        switch answer.status {
        case 401: .unauthorized(answer)
        case 403: .forbidden(answer)
        case 429: .rateLimited(answer, retryAfter: answer.retryAfter(now: now))
        case 400..<500: .clientError(answer)
        default: .serverError(answer, retryAfter: answer.retryAfter(now: now))
        }
    }

    /// Whether sending again later may succeed (429, 5xx, transport errors).
    public var isRetryable: Bool {
        switch self {
        case .rateLimited, .serverError, .transport: true
        case .unauthorized, .forbidden, .clientError, .cancelled: false
        }
    }

    /// The answer, when there was one.
    public var answer: HTTPAnswer? {
        switch self {
        case .unauthorized(let answer), .forbidden(let answer), .clientError(let answer): answer
        case .rateLimited(let answer, _), .serverError(let answer, _): answer
        case .transport, .cancelled: nil
        }
    }

    public var description: String {
        switch self {
        case .transport(let reason): reason
        case .cancelled: "cancelled"
        default: "HTTP \(answer!.status): \(answer!.text.prefix(500))"
        }
    }
}

/// When to send a failed request again: retryable failures only, with a delay doubling from
/// `initialBackoff` up to `maxBackoff`, or the server's `Retry-After` when it is longer. A
/// `Retry-After` beyond `maxBackoff` ends the retries: the caller's own schedule decides when to
/// ask again.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The delay before the second attempt.
    public var initialBackoff: Duration
    /// The longest delay.
    public var maxBackoff: Duration

    /// A policy; the defaults try 4 times, waiting 1, 2 then 4 s.
    public init(maxAttempts: Int = 4, initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(60)) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// The delay before attempt `attempt + 1` after `failure` on attempt `attempt` (from 1); nil
    /// when the request must not be sent again.
    public func delay(after failure: HTTPFailure, attempt: Int) -> Duration? {
        guard failure.isRetryable, attempt < maxAttempts else { return nil }
        var backoff = initialBackoff
        for _ in 1..<max(attempt, 1) where backoff < maxBackoff { backoff *= 2 }
        backoff = min(backoff, maxBackoff)
        switch failure {
        case .rateLimited(_, let retryAfter?), .serverError(_, let retryAfter?):
            return retryAfter > maxBackoff ? nil : max(backoff, retryAfter)
        default: return backoff
        }
    }
}

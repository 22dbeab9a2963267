public import Foundation

/// OAuth 2.0's client credentials grant (RFC 6749 §4.4), as APIs such as RTE's data portal use
/// it: the client's id and secret buy an access token at the token endpoint, kept until shortly
/// before it expires and then bought again.
///
/// ```swift
/// let tokens = OAuth2ClientCredentials(tokenPath: "/token/oauth/", clientID: id, clientSecret: secret)
/// let token = try await tokens.token(using: client)   // `Authorization: Bearer \(token)`
/// ```
public actor OAuth2ClientCredentials {
    /// Why no token was obtained. Never quotes the endpoint's answer, which may hold a token.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        /// The endpoint's refusal or the transport's failure, when there was one (a 429's `Retry-After`).
        public var underlying: HTTPFailure?
    }

    private let tokenPath: String
    private let credentials: String
    private let now: @Sendable () -> Date
    private var current: (token: String, expires: Date)?

    /// Credentials for the token endpoint at `tokenPath` (appended to the client's base URL, or a
    /// whole URL when the endpoint is on another host); `now` is the wall clock.
    public init(tokenPath: String, clientID: String, clientSecret: String, now: @escaping @Sendable () -> Date = { Date() }) {
        self.tokenPath = tokenPath
        credentials = Data("\(clientID):\(clientSecret)".utf8).base64EncodedString()
        self.now = now
    }

    /// A valid access token: the one held while it has more than a minute left, else a new one
    /// from the token endpoint (HTTP Basic with the client's id and secret,
    /// `grant_type=client_credentials`).
    public func token(using client: HTTPClientResource) async throws -> String {
        if let current, current.expires.timeIntervalSince(now()) > 60 { return current.token }
        let request = HTTPRequestSpec(
            method: "POST", path: tokenPath,
            headers: [("Authorization", "Basic \(credentials)"), ("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array("grant_type=client_credentials".utf8)
        )
        let answer: HTTPAnswer
        do {
            answer = try await client.send(request)
        } catch {
            let reason = error.answer.map { "HTTP \($0.status)" } ?? error.description
            throw Failure(description: "the token endpoint refused or did not answer: \(reason)", underlying: error)
        }
        guard let grant = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any],
            let token = grant["access_token"] as? String, !token.isEmpty
        else {
            throw Failure(description: "the token endpoint's answer (HTTP \(answer.status)) has no access_token")
        }
        // `expires_in` is a number of seconds; some servers write it as a string.
        let lifetime = (grant["expires_in"] as? Double) ?? (grant["expires_in"] as? String).flatMap(Double.init) ?? 3600
        current = (token, now().addingTimeInterval(lifetime))
        return token
    }

    /// Forgets the token held (the API refused it: a new one is bought next time).
    public func invalidate() {
        current = nil
    }
}

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
    /// Why no token was obtained.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
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
            throw Failure(description: "the token endpoint refused or did not answer: \(error)")
        }
        struct Grant: Decodable {
            var access_token: String
            var expires_in: Double?
        }
        guard let grant = try? JSONDecoder().decode(Grant.self, from: Data(answer.body)), !grant.access_token.isEmpty else {
            throw Failure(description: "the token endpoint's answer has no access_token: \(answer.text.prefix(200))")
        }
        current = (grant.access_token, now().addingTimeInterval(grant.expires_in ?? 3600))
        return grant.access_token
    }

    /// Forgets the token held (the API refused it: a new one is bought next time).
    public func invalidate() {
        current = nil
    }
}

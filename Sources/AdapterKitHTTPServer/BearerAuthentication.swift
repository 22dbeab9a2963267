import AdapterKitHTTPCore
import Foundation
public import Hummingbird
import JWTKit
import Synchronization

/// Who may call an adapter's server: static bearer tokens, and JSON Web Tokens signed with a
/// shared secret (HS256) or an RSA key (RS256), checked by jwt-kit (signature, `exp`, `nbf`, and
/// the issuer and audience when configured). Refusals are counted by reason.
public final class BearerAuthentication: Sendable {
    /// One way to be accepted.
    public enum Credential: Sendable, Hashable {
        /// A static token (a secret), and the name it authenticates as.
        case token(name: String, token: String)
        /// JWTs signed with HS256 by this shared secret.
        case hs256(secret: String)
        /// JWTs signed with RS256 by the key of this public key or certificate (PEM).
        case rs256(publicKeyPEM: String)
    }

    /// Why a request was refused.
    public enum Refusal: String, Error, Sendable, CaseIterable {
        /// No `Authorization: Bearer` header.
        case missing
        /// A token that is neither a known static token nor a valid JWT.
        case invalid
        /// A JWT past its `exp` (or before its `nbf`).
        case expired
        /// A JWT from another issuer or for another audience.
        case wrongClaims = "wrong_claims"
    }

    /// Who a request was accepted as: the static token's name, or the JWT's `sub`.
    public struct Principal: Sendable, Hashable {
        public var name: String
    }

    private let tokens: [(name: String, token: [UInt8])]
    /// One collection per key: a collection verifies a token without `kid` with its default key
    /// only, so an HS256 secret beside an RS256 key would refuse the other's tokens.
    private let keys: [JWTKeyCollection]
    private let issuer: String?
    private let audience: String?
    private let refusals = Mutex<[Refusal: Int]>([:])
    private let onRefusal: @Sendable (Refusal) -> Void

    /// Authentication by `credentials`; JWTs must come from `issuer` and be for `audience` when
    /// these are given. `onRefusal` hears of each refusal (to count it in the metrics).
    public init(
        credentials: [Credential],
        issuer: String? = nil,
        audience: String? = nil,
        onRefusal: @escaping @Sendable (Refusal) -> Void = { _ in }
    ) async throws {
        var tokens: [(String, [UInt8])] = []
        var keys: [JWTKeyCollection] = []
        for credential in credentials {
            switch credential {
            case .token(let name, let token): tokens.append((name, Array(token.utf8)))
            case .hs256(let secret):
                // Shorter secrets are weak, and jwt-kit stops the process on them.
                guard secret.utf8.count >= 32 else { throw WeakSecret(length: secret.utf8.count) }
                let collection = JWTKeyCollection()
                await collection.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
                keys.append(collection)
            case .rs256(let pem):
                let key = pem.contains("BEGIN CERTIFICATE")
                    ? try Insecure.RSA.PublicKey(certificatePEM: pem) : try Insecure.RSA.PublicKey(pem: pem)
                let collection = JWTKeyCollection()
                await collection.add(rsa: key, digestAlgorithm: .sha256)
                keys.append(collection)
            }
        }
        self.tokens = tokens
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.onRefusal = onRefusal
    }

    /// The refusals so far, by reason.
    public var refusalCounts: [Refusal: Int] { refusals.withLock { $0 } }

    /// The principal an `Authorization` header authenticates, or the reason it does not.
    public func authenticate(_ header: String?) async -> Result<Principal, Refusal> {
        let result = await check(header)
        if case .failure(let refusal) = result {
            refusals.withLock { $0[refusal, default: 0] += 1 }
            onRefusal(refusal)
        }
        return result
    }

    private func check(_ header: String?) async -> Result<Principal, Refusal> {
        guard let token = BearerCredentials.token(in: header) else { return .failure(.missing) }
        let presented = Array(token.utf8)
        if let match = tokens.first(where: { Self.constantTimeEquals($0.token, presented) }) {
            return .success(Principal(name: match.name))
        }
        // Each key in turn: a token is accepted by the key that signed it; one whose signature a
        // key verified but whose time claims did not hold is expired.
        var expired = false
        for collection in keys {
            do {
                let claims = try await collection.verify(presented, as: Claims.self)
                if let issuer, claims.iss?.value != issuer { return .failure(.wrongClaims) }
                if let audience, claims.aud?.value.contains(audience) != true { return .failure(.wrongClaims) }
                return .success(Principal(name: claims.sub?.value ?? "jwt"))
            } catch let error as JWTError where error.errorType == .claimVerificationFailure {
                expired = true
            } catch {
                continue
            }
        }
        return .failure(expired ? .expired : .invalid)
    }

    private static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// An HS256 secret under 32 bytes (the size of the hash): refused.
    public struct WeakSecret: Error, CustomStringConvertible {
        public var length: Int
        public var description: String { "an HS256 secret needs at least 32 bytes, this one has \(length)" }
    }

    /// The claims read from a JWT: `exp` is required and checked, `nbf` checked when present.
    struct Claims: JWTPayload {
        var sub: SubjectClaim?
        var iss: IssuerClaim?
        var aud: AudienceClaim?
        var exp: ExpirationClaim
        var nbf: NotBeforeClaim?

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            try nbf?.verifyNotBefore()
        }
    }
}

/// Refuses requests that ``BearerAuthentication`` does not accept with 401 and a JSON error
/// (`WWW-Authenticate: Bearer`), before any route runs.
public struct BearerAuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    private let authentication: BearerAuthentication

    /// Checks every request with `authentication`.
    public init(_ authentication: BearerAuthentication) {
        self.authentication = authentication
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch await authentication.authenticate(request.headers[.authorization]) {
        case .success: return try await next(request, context)
        case .failure(let refusal):
            let message = refusal == .missing ? "a bearer token is required" : "the bearer token is not accepted (\(refusal.rawValue))"
            return JSONResponses.error(.unauthorized, message, headers: [.wwwAuthenticate: "Bearer"])
        }
    }
}

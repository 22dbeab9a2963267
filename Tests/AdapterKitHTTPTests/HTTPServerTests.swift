import AdapterKit
import AdapterKitHTTPClient
import AdapterKitHTTPCore
import AdapterKitHTTPServer
import AdapterKitTesting
import Foundation
import Hummingbird
import JWTKit
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The HTTP server block on loopback, called by the client block: static tokens, HS256 and RS256
/// JWTs (valid, expired, from another issuer, badly signed), refusals counted by reason, JSON
/// errors and the body limit.
@Suite struct HTTPServerTests {
    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var iss: IssuerClaim
        var exp: ExpirationClaim
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// Serves `/whoami` behind `authentication` and `/echo` (body limit 16 bytes), then runs `body`.
    private func withServer(_ authentication: BearerAuthentication, _ body: @escaping @Sendable (HTTPClientResource) async throws -> Void) async throws {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        router.post("/echo") { request, _ -> Response in
            JSONResponses.data(.ok, try await JSONResponses.body(of: request, limit: 16))
        }
        router.group("/private")
            .add(middleware: BearerAuthenticationMiddleware(authentication))
            .get("/whoami") { _, _ in JSONResponses.json(.ok, ["ok": "yes"]) }
        let port = Mutex(0)
        let app = try HTTPServerApplication.make(
            router: router, settings: HTTPServerSettings(port: 0), name: "test", logger: Logger(label: "test"),
            onListening: { bound in port.withLock { $0 = bound } }
        )
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
            let settings = HTTPClientSettings(baseURL: "http://127.0.0.1:\(port.withLock { $0 })")
            do {
                try await HTTPClientResource.run(settings, resolvePath: { $0 }) { client in try await body(client) }
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    private func status(_ client: HTTPClientResource, token: String?) async -> Int {
        let headers = token.map { [(name: "Authorization", value: "Bearer \($0)")] } ?? []
        do {
            return try await client.send(HTTPRequestSpec(path: "/private/whoami", headers: headers)).status
        } catch {
            return error.answer?.status ?? 0
        }
    }

    private func sign(_ claims: Claims, with keys: JWTKeyCollection) async throws -> String {
        try await keys.sign(claims)
    }

    @Test func staticTokensAndHS256TokensAreCheckedAndRefusalsCounted() async throws {
        let counted = Mutex<[BearerAuthentication.Refusal]>([])
        let authentication = try await BearerAuthentication(
            credentials: [.token(name: "operator", token: "static-token-0123456789"), .hs256(secret: "shared-secret-of-the-emulator-0123456789")],
            issuer: "emulator",
            onRefusal: { refusal in counted.withLock { $0.append(refusal) } }
        )
        let signer = JWTKeyCollection()
        await signer.add(hmac: HMACKey(from: "shared-secret-of-the-emulator-0123456789"), digestAlgorithm: .sha256)
        let other = JWTKeyCollection()
        await other.add(hmac: HMACKey(from: "another-secret-of-someone-else-0123456789"), digestAlgorithm: .sha256)
        let valid = try await sign(Claims(sub: "operator-7", iss: "emulator", exp: .init(value: Date().addingTimeInterval(600))), with: signer)
        let expired = try await sign(Claims(sub: "operator-7", iss: "emulator", exp: .init(value: Date().addingTimeInterval(-600))), with: signer)
        let foreign = try await sign(Claims(sub: "operator-7", iss: "someone-else", exp: .init(value: Date().addingTimeInterval(600))), with: signer)
        let forged = try await sign(Claims(sub: "operator-7", iss: "emulator", exp: .init(value: Date().addingTimeInterval(600))), with: other)
        try await withServer(authentication) { client in
            #expect(await status(client, token: "static-token-0123456789") == 200)
            #expect(await status(client, token: valid) == 200)
            #expect(await status(client, token: nil) == 401)
            #expect(await status(client, token: "static-token-012345678X") == 401)
            #expect(await status(client, token: expired) == 401)
            #expect(await status(client, token: foreign) == 401)
            #expect(await status(client, token: forged) == 401)
        }
        #expect(authentication.refusalCounts == [.missing: 1, .invalid: 2, .expired: 1, .wrongClaims: 1])
        #expect(counted.withLock { $0.count } == 5)
    }

    @Test(arguments: [
        ("Bearer abc", "abc"), ("bearer abc", "abc"), ("BEARER   abc", "abc"), ("Basic abc", nil), ("Bearer", nil), ("Bearer   ", nil),
        ("Bearerabc", nil),
    ] as [(String, String?)])
    func theBearerSchemeIsCaseInsensitive(header: String, token: String?) {
        #expect(BearerCredentials.token(in: header) == token)
    }

    @Test func aShortHS256SecretIsRefused() async {
        await #expect(throws: BearerAuthentication.WeakSecret.self) {
            _ = try await BearerAuthentication(credentials: [.hs256(secret: "short")])
        }
    }

    @Test func rs256AndHS256TokensAreCheckedEachWithItsKey() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rs256-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keyFile = directory.appendingPathComponent("key.pem").path
        let publicFile = directory.appendingPathComponent("public.pem").path
        for arguments in [["genrsa", "-out", keyFile, "2048"], ["rsa", "-in", keyFile, "-pubout", "-out", publicFile]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let signer = JWTKeyCollection()
        await signer.add(rsa: try Insecure.RSA.PrivateKey(pem: try String(contentsOfFile: keyFile, encoding: .utf8)), digestAlgorithm: .sha256)
        // An HS256 secret beside the RS256 key: each key accepts its own tokens (tokens carry no `kid`).
        let secret = "shared-secret-of-the-emulator-0123456789"
        let authentication = try await BearerAuthentication(credentials: [
            .rs256(publicKeyPEM: try String(contentsOfFile: publicFile, encoding: .utf8)), .hs256(secret: secret),
        ])
        let token = try await sign(Claims(sub: "aggregator", iss: "x", exp: .init(value: Date().addingTimeInterval(60))), with: signer)
        let hmac = JWTKeyCollection()
        await hmac.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        let hmacToken = try await sign(Claims(sub: "emulator", iss: "x", exp: .init(value: Date().addingTimeInterval(60))), with: hmac)
        let expired = try await sign(Claims(sub: "aggregator", iss: "x", exp: .init(value: Date().addingTimeInterval(-60))), with: signer)
        try await withServer(authentication) { client in
            #expect(await status(client, token: token) == 200)
            #expect(await status(client, token: hmacToken) == 200)
            #expect(await status(client, token: String(token.dropLast(2)) + "AA") == 401)
            #expect(await status(client, token: expired) == 401)
        }
        #expect(authentication.refusalCounts == [.invalid: 1, .expired: 1])
    }

    @Test func errorsAreJSONAndBodiesAreBounded() async throws {
        let authentication = try await BearerAuthentication(credentials: [])
        try await withServer(authentication) { client in
            let small = try await client.send(.json("POST", path: "/echo", body: Array(#"{"a":1}"#.utf8)))
            #expect(small.text == #"{"a":1}"#)
            do {
                _ = try await client.send(.json("POST", path: "/echo", body: Array(repeating: UInt8(ascii: "x"), count: 64)))
                Issue.record("a body over the limit was accepted")
            } catch {
                let answer = (error as? HTTPFailure)?.answer
                #expect(answer?.status == 413)
                #expect(answer?.headers["content-type"] == "application/json")
                #expect(answer?.text == #"{"error":"the request body is larger than 16 bytes"}"#)
            }
            do {
                _ = try await client.send(HTTPRequestSpec(path: "/private/whoami"))
                Issue.record("no token was accepted")
            } catch {
                #expect((error as? HTTPFailure)?.answer?.text == #"{"error":"a bearer token is required"}"#)
                #expect((error as? HTTPFailure)?.answer?.headers["www-authenticate"] == "Bearer")
            }
        }
    }
}

import AdapterKit
import AdapterKitHTTPClient
import AdapterKitTesting
import EnergyFlexReady
import Foundation
import JWTKit
import Testing

/// RS256 and HS256 JSON Web Tokens at the adapter's server: the configured keys accept their own
/// tokens and refuse others, expired ones included.
@Suite struct FlexReadyTokenTests {
    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        func verify(using algorithm: some JWTAlgorithm) async throws { try exp.verifyNotExpired() }
    }

    /// `token` with one character of its signature changed, well inside it: the last characters
    /// of base64url carry padding bits, where a change may decode to the same signature.
    static func tampered(_ token: String) -> String {
        var characters = Array(token)
        let index = characters.count - 10
        characters[index] = characters[index] == "A" ? "B" : "A"
        return String(characters)
    }

    /// An RSA key pair made by openssl: the private key's PEM and the public key's file.
    static func rsaKeys(in directory: URL) throws -> (privatePEM: String, publicFile: String) {
        let keyFile = directory.appendingPathComponent("key.pem").path, publicFile = directory.appendingPathComponent("public.pem").path
        for arguments in [["genrsa", "-out", keyFile, "2048"], ["rsa", "-in", keyFile, "-pubout", "-out", publicFile]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0)
        }
        return (try String(contentsOfFile: keyFile, encoding: .utf8), publicFile)
    }

    /// The status of getBACSAssets with `token`, once the server listens.
    static func status(_ client: HTTPClientResource, _ token: String) async throws -> Int {
        let request = HTTPRequestSpec(path: "/bacs/\(FlexEmulatorDataSet.bacs1)/assets", headers: [(name: "Authorization", value: "Bearer \(token)")])
        for _ in 0..<200 {
            do {
                return try await client.send(request).status
            } catch {
                if let answer = error.answer { return answer.status }
                try await Task.sleep(for: .milliseconds(25))
            }
        }
        return 0
    }

    @Test(.timeLimit(.minutes(1))) func rs256AndHS256TokensAreCheckedByTheServer() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flex-jwt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let privatePEM = try Self.rsaKeys(in: directory).privatePEM
        let secret = "the-emulator-shared-secret-0123456789"
        let rsa = JWTKeyCollection(), hmac = JWTKeyCollection(), other = JWTKeyCollection()
        await rsa.add(rsa: try Insecure.RSA.PrivateKey(pem: privatePEM), digestAlgorithm: .sha256)
        await hmac.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        await other.add(hmac: HMACKey(from: "another-secret-altogether-0123456789"), digestAlgorithm: .sha256)
        let soon = Date().addingTimeInterval(600), past = Date().addingTimeInterval(-600)
        let rsaToken = try await rsa.sign(Claims(sub: "aggregator", exp: .init(value: soon)))
        let hmacToken = try await hmac.sign(Claims(sub: "emulator", exp: .init(value: soon)))
        let expired = try await hmac.sign(Claims(sub: "emulator", exp: .init(value: past)))
        let forged = try await other.sign(Claims(sub: "emulator", exp: .init(value: soon)))

        let port = LoopbackPort.free()
        let host = try InMemoryHost(configurationDirectory: directory.path)
        let configuration = """
            {"port": \(port), "data_set": "emulator", "jwt_hs256_secret": "\(secret)", "jwt_rs256_public_key": "public.pem"}
            """
        #expect(host.validate(FlexReadyAdapter.self, configuration: configuration).isEmpty)
        #expect(host.validate(FlexReadyAdapter.self, configuration: configuration.replacingOccurrences(of: "public.pem", with: "missing.pem"))
            .map(\.path) == ["jwt_rs256_public_key"])
        let adapter = try host.makeAdapter(FlexReadyAdapter.self, configuration: configuration)
        try await host.run(adapter) { _ in
            try await HTTPClientResource.run(HTTPClientSettings(baseURL: "http://127.0.0.1:\(port)"), resolvePath: { $0 }) { client in
                let statuses = try await [rsaToken, hmacToken, expired, forged, Self.tampered(rsaToken)].asyncMap { try await Self.status(client, $0) }
                #expect(statuses == [200, 200, 401, 401, 401])
            }
        }
    }
}

extension Array {
    /// `transform` applied to each element in turn.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

import AdapterKit
import AdapterKitTesting
import Testing

/// Configuration secrets never reach the logs, even at trace level, where ServiceLifecycle
/// describes the services it runs.
@Suite struct SecretLoggingTests {
    struct TokenAdapter: Adapter {
        struct Configuration: Decodable, Sendable {
            var token: String
        }

        static let description = AdapterDescription(
            typeName: "Token",
            version: "1.0.0",
            summary: "Holds a secret.",
            configurationSchema: .object(["token": .string(secret: true)], required: ["token"])
        )

        let configuration: Configuration

        init(configuration: Configuration, context: AdapterContext) throws {
            self.configuration = configuration
        }

        func run() async throws {
            try? await gracefulShutdown()
        }
    }

    @Test(.timeLimit(.minutes(1))) func theSecretIsNeverLogged() async throws {
        let secret = "tok-\(UInt64.random(in: 1...UInt64.max))"
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(TokenAdapter.self, configuration: #"{"token": "\#(secret)"}"#)
        #expect(adapter.configuration.token == secret)
        try await host.run(adapter) { _ in try await Task.sleep(for: .milliseconds(50)) }
        let logs = host.logs
        #expect(!logs.isEmpty, "ServiceLifecycle logs the service at debug level")
        #expect(logs.contains { $0.metadata.values.contains { $0.contains("Token(under-test)") } })
        for record in logs {
            #expect(!record.message.contains(secret))
            #expect(!record.metadata.values.contains { $0.contains(secret) })
        }
    }
}

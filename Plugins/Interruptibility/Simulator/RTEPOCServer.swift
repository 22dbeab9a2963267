import AdapterKit
import AdapterKitHTTPCore
public import AdapterKitHTTPServer
import Foundation
public import Hummingbird
public import Logging
import NIOCore
public import NIOSSL
import Synchronization

/// The server side of RTE's interruptibility reporting API ("POC Interruptibilité", seed §2):
/// `POST /api/data` over HTTPS, a client certificate from its CA required, validated as the seed
/// says, stored in SQLite. A simulator for tests and demonstrations (`energy-sim rte-poc`).
///
/// Beyond the seed, for operators of the simulator: `GET /api/data` lists what was received.
public struct RTEPOCServer: Sendable {
    /// Where to listen and with which certificates.
    public struct Settings: Sendable {
        public var host = "127.0.0.1"
        /// 0: the system picks a port (given to `onListening`).
        public var port = 8443
        /// The server's certificate chain and key (PEM files).
        public var certificate: String
        public var privateKey: String
        /// The CA a client certificate must chain to (PEM file).
        public var clientCA: String
        /// The SQLite file of received reports.
        public var database: String
        /// The most connections open at once: every site keeps one (RTE's platform serves
        /// hundreds), so the server block's default of 64 would lock sites out.
        public var maximumConnections = 1024

        public init(certificate: String, privateKey: String, clientCA: String, database: String) {
            self.certificate = certificate
            self.privateKey = privateKey
            self.clientCA = clientCA
            self.database = database
        }
    }

    /// Faults to inject, for tests of clients: the next requests answered 500, or refused 400.
    public final class Faults: Sendable {
        private let pending = Mutex<[HTTPResponse.Status]>([])

        public init() {}

        /// Answers the next `count` requests with 500.
        public func failNext(_ count: Int) {
            pending.withLock { $0 = Array(repeating: .internalServerError, count: count) }
        }

        /// Refuses the next `count` requests with 400, whatever their data.
        public func rejectNext(_ count: Int) {
            pending.withLock { $0 = Array(repeating: .badRequest, count: count) }
        }

        func take() -> HTTPResponse.Status? {
            pending.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        }
    }

    /// The 400 message of an injected refusal.
    public static let injectedRefusal = "Données invalides. Refus simulé (energy-sim)."

    public let settings: Settings
    public let store: RTEReportStore
    public let faults: Faults

    /// Opens the store; throws when it cannot.
    public init(settings: Settings, faults: Faults = Faults()) throws {
        self.settings = settings
        self.store = try RTEReportStore(path: settings.database)
        self.faults = faults
    }

    /// The server block's settings: mutual TLS with the server's certificate, a client certificate
    /// required from `clientCA`, bodies up to 64 KiB.
    public var serverSettings: HTTPServerSettings {
        HTTPServerSettings(
            host: settings.host, port: settings.port,
            tls: .init(certificateFile: settings.certificate, privateKeyFile: settings.privateKey, clientCAFile: settings.clientCA),
            maximumBodySize: 64 * 1024,
            limits: HTTPConnectionLimits(maximumConnections: settings.maximumConnections)
        )
    }

    /// The TLS settings: the server's certificate, and a client certificate required from `clientCA`.
    public func tlsConfiguration() throws -> TLSConfiguration {
        try serverSettings.tlsConfiguration()!
    }

    /// The application to run (a `Service`); `onListening` receives the bound port.
    public func makeApplication(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let router = Router()
        let store = self.store
        let faults = self.faults
        let limit = serverSettings.maximumBodySize
        router.post("/api/data") { request, _ -> Response in
            switch faults.take() {
            case .internalServerError?: return Self.json(.internalServerError, ["error": RTEReportValidator.internalError])
            case .badRequest?: return Self.json(.badRequest, ["error": Self.injectedRefusal])
            default: break
            }
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
                return Self.json(.badRequest, ["error": RTEReportValidator.wrongContentType])
            }
            let body: Data
            do {
                body = try await JSONResponses.body(of: request, limit: limit)
            } catch {
                return Self.json(.badRequest, ["error": RTEReportValidator.tooLarge])  // the seed's answer, not 413
            }
            switch RTEReportValidator.validate(body) {
            case .failure(let failure):
                logger.warning("report refused", metadata: ["reason": "\(failure.message)"])
                return Self.json(.badRequest, ["error": failure.message])
            case .success(let report):
                do {
                    try await store.insert(report, receivedAt: EventTime.now())
                } catch {
                    logger.error("report not stored", metadata: ["error": "\(error)"])
                    return Self.json(.internalServerError, ["error": RTEReportValidator.internalError])
                }
                return Self.json(.ok, ["message": RTEReportValidator.success])
            }
        }
        router.get("/api/data") { _, _ -> Response in
            let entries = try store.entries()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return JSONResponses.data(.ok, try encoder.encode(entries.map(\.report)))
        }
        return try HTTPServerApplication.make(router: router, settings: serverSettings, name: "rte-poc", logger: logger, onListening: onListening)
    }

    private static func json(_ status: HTTPResponse.Status, _ body: [String: String]) -> Response {
        JSONResponses.json(status, body)
    }
}

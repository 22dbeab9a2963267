public import AdapterKit
import Foundation
import NIOSSL

/// How to reach an HTTP API: its base URL, timeouts, TLS (a client certificate and its key for
/// mutual TLS, a pinned CA or the system's roots) and a bearer token. Built from an adapter's
/// configuration; nothing is opened until ``HTTPClientResource/run(_:resolvePath:body:)``.
public struct HTTPClientSettings: Sendable {
    /// Whom the client trusts for the server's certificate.
    public enum Trust: Sendable, Hashable {
        /// The system's trusted roots.
        case systemRoots
        /// Only certificates chaining to the CA in this PEM file (relative paths resolve against
        /// the configuration's directory): the pinned CA of a private PKI.
        case pinned(caFile: String)
    }

    /// The client's own certificate for mutual TLS.
    public struct Identity: Sendable, Hashable {
        /// The certificate chain, a PEM file (relative to the configuration's directory).
        public var certificateFile: String
        /// The private key, PEM text: a secret, resolved by the host from `file:` or `${ENV}`.
        public var privateKeyPEM: String
        /// The configuration keys these come from, for messages (`reporting.client_certificate`).
        public var certificateKey: String
        public var privateKeyKey: String

        /// An identity; the keys name the settings in error messages.
        public init(certificateFile: String, privateKeyPEM: String, certificateKey: String = "client_certificate", privateKeyKey: String = "client_key") {
            self.certificateFile = certificateFile
            self.privateKeyPEM = privateKeyPEM
            self.certificateKey = certificateKey
            self.privateKeyKey = privateKeyKey
        }
    }

    /// `https://host:port/base` (or `http://` on loopback for tests); request paths are appended.
    public var baseURL: String
    /// Time to open a connection.
    public var connectTimeout: Duration
    /// Time a whole request (connection, sending, answer) may take.
    public var requestTimeout: Duration
    /// Whom to trust.
    public var trust: Trust
    /// The configuration key of the pinned CA, for messages (`reporting.ca_certificate`).
    public var trustKey: String
    /// The client certificate, for mutual TLS.
    public var identity: Identity?
    /// Sent as `Authorization: Bearer <token>`: a secret.
    public var bearerToken: String?
    /// Connections kept open to the host (1: requests go one after the other on one connection).
    public var maximumConnections: Int

    /// Settings with the system's roots, no client certificate and no token.
    public init(
        baseURL: String,
        connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(10),
        trust: Trust = .systemRoots,
        trustKey: String = "ca_certificate",
        identity: Identity? = nil,
        bearerToken: String? = nil,
        maximumConnections: Int = 1
    ) {
        self.baseURL = baseURL
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.trust = trust
        self.trustKey = trustKey
        self.identity = identity
        self.bearerToken = bearerToken
        self.maximumConnections = maximumConnections
    }

    /// The first problem with the CA, the client certificate and the key, checked in that order
    /// (missing, unreadable, not PEM), at its configuration key prefixed with `prefix`
    /// (`reporting.`); empty when they load. Reads files; opens no connection.
    public func issues(prefix: String = "", resolvePath: (String) -> String) -> [ConfigurationIssue] {
        do {
            _ = try TLSMaterial(self, resolvePath: resolvePath)
            return []
        } catch let error as TLSMaterial.Problem {
            return [ConfigurationIssue(prefix + error.key, error.message)]
        } catch {
            return [ConfigurationIssue(prefix, "\(error)")]
        }
    }
}

/// The certificates and key of ``HTTPClientSettings``, loaded.
struct TLSMaterial {
    var configuration: TLSConfiguration
    /// When the client certificate expires, if there is one.
    var certificateExpiry: Date?

    struct Problem: Error {
        var key: String
        var message: String
    }

    init(_ settings: HTTPClientSettings, resolvePath: (String) -> String) throws {
        func certificates(_ key: String, _ path: String) throws -> [NIOSSLCertificate] {
            guard FileManager.default.isReadableFile(atPath: path) else { throw Problem(key: key, message: "cannot read \(path)") }
            do { return try NIOSSLCertificate.fromPEMFile(path) } catch {
                throw Problem(key: key, message: "\(path) holds no PEM certificate (\(error))")
            }
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        if case .pinned(let file) = settings.trust {
            let authorities = try certificates(settings.trustKey, resolvePath(file))
            guard !authorities.isEmpty else { throw Problem(key: settings.trustKey, message: "no certificate in \(resolvePath(file))") }
            tls.trustRoots = .certificates(authorities)
        }
        if let identity = settings.identity {
            let path = resolvePath(identity.certificateFile)
            let chain = try certificates(identity.certificateKey, path)
            guard let leaf = chain.first else { throw Problem(key: identity.certificateKey, message: "no certificate in \(path)") }
            let key: NIOSSLPrivateKey
            do {
                key = try NIOSSLPrivateKey(bytes: Array(identity.privateKeyPEM.utf8), format: .pem)
            } catch {
                throw Problem(key: identity.privateKeyKey, message: "not a PEM private key (value not shown)")
            }
            tls.certificateChain = chain.map { .certificate($0) }
            tls.privateKey = .privateKey(key)
            certificateExpiry = Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter))
        }
        configuration = tls
    }
}

public import AdapterKitHTTPCore
import Foundation
public import NIOSSL

/// Where an adapter's HTTP server listens, and its TLS: a certificate and key, and, for mutual TLS,
/// the CA a client certificate must chain to.
public struct HTTPServerSettings: Sendable {
    /// The server's certificate and key, and the clients' CA for mutual TLS.
    public struct TLS: Sendable, Hashable {
        /// The certificate chain, a PEM file.
        public var certificateFile: String
        /// The private key, a PEM file.
        public var privateKeyFile: String
        /// When set, a client certificate chaining to this CA (PEM file) is required.
        public var clientCAFile: String?

        /// TLS with these files; mutual when `clientCAFile` is given.
        public init(certificateFile: String, privateKeyFile: String, clientCAFile: String? = nil) {
            self.certificateFile = certificateFile
            self.privateKeyFile = privateKeyFile
            self.clientCAFile = clientCAFile
        }
    }

    /// The address to listen on (`127.0.0.1`, `0.0.0.0`, `::1`).
    public var host: String
    /// The port; 0 lets the system choose (given to `onListening`).
    public var port: Int
    /// TLS; nil serves plain HTTP (loopback tests, or behind a TLS proxy).
    public var tls: TLS?
    /// The largest request body routes accept: read bodies with
    /// `JSONResponses.body(of:limit: settings.maximumBodySize)`, which answers 413 beyond it.
    public var maximumBodySize: Int
    /// Idle timeout, connection and header limits.
    public var limits: HTTPConnectionLimits

    /// Settings; plain HTTP, 1 MiB bodies and the default ``HTTPConnectionLimits``.
    public init(
        host: String = "127.0.0.1",
        port: Int,
        tls: TLS? = nil,
        maximumBodySize: Int = 1024 * 1024,
        limits: HTTPConnectionLimits = HTTPConnectionLimits()
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.maximumBodySize = maximumBodySize
        self.limits = limits
    }

    /// The server's TLS configuration: its certificate, and a client certificate required from
    /// `clientCAFile` (host names are not checked: clients are identified by their certificate).
    public func tlsConfiguration() throws -> TLSConfiguration? {
        guard let tls else { return nil }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(tls.certificateFile).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: tls.privateKeyFile, format: .pem))
        )
        if let clientCA = tls.clientCAFile {
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCA))
        }
        return configuration
    }
}

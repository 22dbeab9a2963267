import AdapterKitHTTPCore
public import Hummingbird
import HummingbirdTLS
public import Logging

/// Builds an adapter's HTTP server from ``HTTPServerSettings``: plain HTTP/1.1, or TLS (mutual
/// when the settings name a client CA), with the settings' ``HTTPConnectionLimits``. The result is a `Service`: run it in the adapter's
/// `run()`, and it stops on graceful shutdown.
public enum HTTPServerApplication {
    /// The application serving `router`; `onListening` receives the bound port.
    public static func make<Context: RequestContext>(
        router: Router<Context>,
        settings: HTTPServerSettings,
        name: String,
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol where Context.Source == ApplicationRequestContextSource {
        let limits = settings.limits
        let configuration = limits.applicationConfiguration(host: settings.host, port: settings.port, serverName: name, logger: logger)
        if let tls = try settings.tlsConfiguration() {
            return Application(
                router: router, server: try .tls(limits.http1(), tlsConfiguration: tls), configuration: configuration,
                onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) }, logger: logger
            )
        }
        return Application(
            router: router, server: limits.http1(), configuration: configuration,
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) }, logger: logger
        )
    }
}

public import Hummingbird
public import HummingbirdCore
public import Logging
import NIOCore

/// What one HTTP server grants its clients: how long a connection may stay idle, how many may be
/// open at once, how big a request's header may be. A server exposed to careless or hostile
/// clients needs all three: without them, connections that never finish a request, or that
/// the server refused but the client keeps open, pile up until the process runs out of file
/// descriptors.
///
/// - **Idle timeout.** A connection is closed when no complete request header or body part arrived
///   and no response ended for `idleTimeout`. Bytes of an unfinished header do not count, so this is
///   also the header read timeout; body bytes do count. A request being answered is never cut.
/// - **Connection limit.** Beyond `maximumConnections`, new connections wait in the listen backlog
///   until one closes (the idle timeout frees them).
/// - **Header limit.** A request whose header exceeds `maximumHeaderBytes` is answered
///   400 and its connection closed.
///
/// Whenever the server ends a connection (a refused request, `Connection: close`), it closes it
/// fully, without waiting for the client to close its side.
public struct HTTPConnectionLimits: Sendable, Hashable {
    /// How long a connection may stay idle (default 30 s).
    public var idleTimeout: Duration
    /// Connections served at once (default 64).
    public var maximumConnections: Int
    /// The largest request header, all fields together (default 16 KiB).
    public var maximumHeaderBytes: Int

    /// The limits; the defaults suit an admin or machine-to-machine API.
    public init(idleTimeout: Duration = .seconds(30), maximumConnections: Int = 64, maximumHeaderBytes: Int = 16 * 1024) {
        self.idleTimeout = idleTimeout
        self.maximumConnections = maximumConnections
        self.maximumHeaderBytes = maximumHeaderBytes
    }

    /// The HTTP/1.1 server with these limits.
    public func http1() -> HTTPServerBuilder {
        let (seconds, attoseconds) = idleTimeout.components
        let idle = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return .http1(
            configuration: .init(
                additionalChannelHandlers: [CloseFullyHandler()],
                idleTimeout: idle,
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: maximumHeaderBytes,
                    maxHeaderListSize: maximumHeaderBytes,
                    maxHeaderFieldCount: 200
                )
            )
        )
    }

    /// The application configuration listening on `host`:`port` with the connection limit.
    public func applicationConfiguration(host: String, port: Int, serverName: String, logger: Logger) -> ApplicationConfiguration {
        ApplicationConfiguration(
            address: .hostname(host, port: port),
            serverName: serverName,
            availableConnectionsDelegate: .maximum(maximumConnections, logger: logger)
        )
    }
}

/// Turns the server's closing of its side of a connection (after its last response) into a full
/// close once that side is closed: a client that keeps its side open, or is still sending a body
/// nobody reads, cannot hold the connection, and its file descriptor, forever.
final class CloseFullyHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = NIOAny

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .output else {
            context.close(mode: mode, promise: promise)
            return
        }
        let outputClosed = context.eventLoop.makePromise(of: Void.self)
        context.close(mode: .output, promise: outputClosed)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        outputClosed.futureResult.whenComplete { _ in bound.value.close(mode: .all, promise: nil) }
        promise.map { outputClosed.futureResult.cascade(to: $0) }
    }
}

import AdapterKit
import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// An HTTP client built from ``HTTPClientSettings``, alive for the duration of
/// ``run(_:resolvePath:body:)``: create it in the adapter's `run()`, never in `init`, so that an
/// instance created and destroyed without running opens and leaks nothing.
///
/// After a transport failure other than a timeout (refused, reset, TLS) the next request starts on
/// a fresh connection pool: it connects at once, instead of waiting out async-http-client's
/// connection back-off, which grows towards a minute over a long outage and keeps failing requests
/// with the outage's error after the peer is back. Requests in flight on the retired pool at that
/// moment fail too (the peer was unreachable for them as well). After a timeout the pool is kept:
/// a connection still being made (a slow TLS handshake) is ready for the next request.
///
/// ```swift
/// try await HTTPClientResource.run(settings, resolvePath: context.resolvePath) { client in
///     let answer = try await client.send(.json("POST", path: "/api/data", body: body))
/// }
/// ```
public final class HTTPClientResource: Sendable {
    /// The settings it was built from.
    public let settings: HTTPClientSettings
    /// When the client certificate expires, when there is one.
    public let certificateExpiry: Date?
    /// The client of the current connection pool.
    private let client: Mutex<HTTPClient>
    private let configuration: HTTPClient.Configuration
    private let now: @Sendable () -> Date

    /// The largest answer body read; a longer body is dropped (the answer keeps its status and
    /// headers, with an empty body), never taken for a failure to send.
    public static let maximumBodySize = 1024 * 1024

    private init(settings: HTTPClientSettings, material: TLSMaterial, now: @escaping @Sendable () -> Date) {
        self.settings = settings
        self.certificateExpiry = material.certificateExpiry
        self.now = now
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = material.configuration
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: settings.maximumConnections)
        configuration.timeout = .init(connect: Self.amount(settings.connectTimeout), read: Self.amount(settings.requestTimeout))
        self.configuration = configuration
        client = Mutex(HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration))
    }

    /// Builds the client, runs `body` with it, then shuts it down (also when `body` throws or is
    /// cancelled). Throws when a certificate or the key cannot be loaded.
    /// - Parameter now: the wall clock, for `Retry-After` dates.
    public static func run<T: Sendable>(
        _ settings: HTTPClientSettings,
        resolvePath: (String) -> String,
        now: @escaping @Sendable () -> Date = { Date() },
        body: (HTTPClientResource) async throws -> T
    ) async throws -> T {
        let material: TLSMaterial
        do {
            material = try TLSMaterial(settings, resolvePath: resolvePath)
        } catch let problem as TLSMaterial.Problem {
            throw AdapterError(.invalidConfiguration, "config.\(problem.key): \(problem.message)")
        }
        let resource = HTTPClientResource(settings: settings, material: material, now: now)
        do {
            let result = try await body(resource)
            try? await resource.client.withLock { $0 }.shutdown()
            return result
        } catch {
            try? await resource.client.withLock { $0 }.shutdown()
            throw error
        }
    }

    /// Sends `request` once. Returns a 2xx or 3xx answer; throws the classified failure otherwise.
    public func send(_ request: HTTPRequestSpec) async throws(HTTPFailure) -> HTTPAnswer {
        let lowered = request.path.lowercased()
        let absolute = lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
        let url = absolute ? request.path : settings.baseURL + request.path
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        // The settings' token is for the base URL's origin, and never replaces the request's own.
        if let token = settings.bearerToken, !outgoing.headers.contains(name: "Authorization"), Self.sameOrigin(url, settings.baseURL) {
            outgoing.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let response: HTTPClientResponse
        let current = client.withLock { $0 }
        do {
            response = try await current.execute(outgoing, timeout: Self.amount(request.timeout ?? settings.requestTimeout))
        } catch {
            if error is CancellationError || Task.isCancelled { throw .cancelled }
            if !Self.isTimeout(error) { await retire(current) }
            throw .transport("\(error)")
        }
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        // The status is known: whatever happens to the body, the request was answered.
        let body = (try? await response.body.collect(upTo: Self.maximumBodySize)).map { Array($0.readableBytesView) } ?? []
        let answer = HTTPAnswer(status: Int(response.status.code), headers: headers, body: body)
        guard (200..<400).contains(answer.status) else { throw HTTPFailure.classify(answer, now: now()) }
        return answer
    }

    /// Sends `request` until it succeeds, a failure must not be retried, or `policy` gives up;
    /// waits on `clock` between attempts. `retrying` hears of each failure that is retried.
    public func send<C: Clock<Duration>>(
        _ request: HTTPRequestSpec,
        policy: RetryPolicy,
        clock: C,
        retrying: (HTTPFailure, _ attempt: Int, _ delay: Duration) -> Void = { _, _, _ in }
    ) async throws -> HTTPAnswer {
        var attempt = 1
        while true {
            do {
                return try await send(request)
            } catch {
                guard let delay = policy.delay(after: error, attempt: attempt) else { throw error }
                retrying(error, attempt, delay)
                try await clock.sleep(for: delay)
                attempt += 1
            }
        }
    }

    /// Whether two URLs have the same scheme, host and port.
    private static func sameOrigin(_ first: String, _ second: String) -> Bool {
        guard let a = URLComponents(string: first), let b = URLComponents(string: second) else { return false }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased() && a.port == b.port
    }

    /// Replaces `failed` by a client with a fresh connection pool (unless another failure did
    /// already), and shuts it down.
    private func retire(_ failed: HTTPClient) async {
        let replaced = client.withLock { current -> Bool in
            guard current === failed else { return false }
            current = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            return true
        }
        if replaced { try? await failed.shutdown() }
    }

    /// Whether `error` is a timeout (connecting, reading, or the request's deadline).
    private static func isTimeout(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError { return error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout }
        if case ChannelError.connectTimeout = error { return true }
        return false
    }

    private static func amount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

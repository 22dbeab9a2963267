import AsyncHTTPClient
package import EnergyFlexReady
import Foundation
import NIOCore
import NIOHTTP1

/// Sends the operator interface's calls to the tested BACS: the route's path under the session's
/// URL, the caller's `EMULATOR_*` headers without their prefix, a JSON body for a POST.
package struct FlexForwarder: Sendable {
    /// An answer of the tested BACS.
    package struct Answer: Sendable {
        package var status: Int
        package var body: [UInt8]
    }

    /// How long the BACS has to answer (the référentiel's askFlex timeout at level 1 is 5 s; the
    /// emulator waits longer for the other functions).
    package var timeout: Duration

    package init(timeout: Duration = .seconds(30)) {
        self.timeout = timeout
    }

    /// The client of every forwarder, alive as long as the process: a BACS that refuses the
    /// connection fails the call at once, instead of being tried again until the timeout.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The headers to forward: each `EMULATOR_<name>` of `headers` as `<name>` (case-insensitive
    /// prefix), the others dropped; so are the connection's and the body's framing headers, which
    /// belong to the forwarded request alone.
    package static func forwarded(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        headers.compactMap { header in
            guard header.name.lowercased().hasPrefix("emulator_"), header.name.count > 9 else { return nil }
            let name = String(header.name.dropFirst(9))
            return framing.contains(name.lowercased()) || name.lowercased().hasPrefix("proxy-") ? nil : (name, header.value)
        }
    }

    /// Headers of the connection and of the body's framing (RFC 9110 §7.6.1, RFC 9112).
    private static let framing: Set<String> = [
        "host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "expect",
    ]

    /// Sends `call` to the BACS at `baseURL` with `headers`; throws a readable reason when the
    /// BACS cannot be reached or does not answer in time.
    package func send(_ call: FlexBACSRoutes.Call, to baseURL: String, headers: [(name: String, value: String)]) async throws -> Answer {
        let url = baseURL.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            + call.route.path(bacsID: call.bacsID, assetID: call.assetID, requestID: call.requestID)
        var request = HTTPClientRequest(url: url)
        request.method = call.route.method == "post" ? .POST : .GET
        request.headers.add(name: "Accept", value: "application/json")
        for header in headers { request.headers.replaceOrAdd(name: header.name, value: header.value) }
        if call.route.method == "post" {
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: call.body))
        }
        let (seconds, attoseconds) = timeout.components
        let response = try await Self.client.execute(request, timeout: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
        let body = try await response.body.collect(upTo: 4 * 1024 * 1024)
        return Answer(status: Int(response.status.code), body: Array(body.readableBytesView))
    }
}

import AdapterKit
import AdapterKitHTTPClient
import AdapterKitTesting
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

/// The HTTP client block against a real HTTP server on loopback: each kind of answer classified,
/// retries with backoff on a manual clock, `Retry-After` honoured, the bearer token sent, and the
/// client's lifecycle bound to the closure that uses it.
@Suite struct HTTPClientTests {
    /// Counts the requests per path, and remembers the last Authorization header.
    final class Seen: Sendable {
        let counts = Mutex<[String: Int]>([:])
        let authorization = Mutex<String?>(nil)

        func count(_ path: String) -> Int { counts.withLock { $0[path, default: 0] } }
    }

    /// The delays a retrying send announced.
    final class Delays: Sendable {
        private let list = Mutex<[Duration]>([])
        func append(_ delay: Duration) { list.withLock { $0.append(delay) } }
        var all: [Duration] { list.withLock { $0 } }
    }

    /// Runs a server answering: `/ok` 200, `/status/<n>` n (with `Retry-After: 2` on 429 and 503),
    /// `/flaky` 503 twice then 200; then runs `body` with its base URL.
    private func withServer(_ body: @escaping @Sendable (String, Seen) async throws -> Void) async throws {
        let seen = Seen()
        let router = Router()
        router.get("/ok") { request, _ -> Response in
            seen.counts.withLock { $0["/ok", default: 0] += 1 }
            seen.authorization.withLock { $0 = request.headers[.authorization] }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "fine")))
        }
        router.get("/status/:code") { request, context -> Response in
            let code = Int(context.parameters.get("code") ?? "") ?? 500
            seen.counts.withLock { $0["/status/\(code)", default: 0] += 1 }
            var headers = HTTPFields()
            if code == 429 || code == 503 { headers[.retryAfter] = "2" }
            return Response(status: .init(code: code), headers: headers, body: .init(byteBuffer: ByteBuffer(string: "answer \(code)")))
        }
        router.get("/flaky") { _, _ -> Response in
            let count = seen.counts.withLock { counts in
                counts["/flaky", default: 0] += 1
                return counts["/flaky"]!
            }
            return Response(status: count <= 2 ? .serviceUnavailable : .ok)
        }
        let port = Mutex(0)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port ?? 0 } },
            logger: Logger(label: "http-test-server")
        )
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "http-test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
            do {
                try await body("http://127.0.0.1:\(port.withLock { $0 })", seen)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func eachKindOfAnswerIsClassified() async throws {
        try await withServer { base, seen in
            let settings = HTTPClientSettings(baseURL: base, bearerToken: "t0ken")
            try await HTTPClientResource.run(settings, resolvePath: { $0 }) { client in
                let answer = try await client.send(HTTPRequestSpec(path: "/ok"))
                #expect(answer.status == 200 && answer.text == "fine")
                #expect(seen.authorization.withLock { $0 } == "Bearer t0ken")
                func failure(_ code: Int) async -> HTTPFailure? {
                    do {
                        _ = try await client.send(HTTPRequestSpec(path: "/status/\(code)"))
                        return nil
                    } catch { return error }
                }
                guard case .unauthorized(let answer)? = await failure(401) else { Issue.record("401"); return }
                #expect(answer.text == "answer 401")
                guard case .forbidden? = await failure(403) else { Issue.record("403"); return }
                guard case .rateLimited(_, let retryAfter)? = await failure(429) else { Issue.record("429"); return }
                #expect(retryAfter == .seconds(2))
                guard case .clientError(let answer)? = await failure(422) else { Issue.record("422"); return }
                #expect(answer.status == 422 && !(HTTPFailure.clientError(answer).isRetryable))
                guard case .serverError(_, let retryAfter)? = await failure(503) else { Issue.record("503"); return }
                #expect(retryAfter == .seconds(2))
                guard case .serverError(_, nil)? = await failure(500) else { Issue.record("500"); return }
            }
        }
    }

    /// The settings' token goes to the base URL's origin only, and never replaces a request's own
    /// `Authorization` (an OAuth token endpoint's Basic credentials).
    @Test func theTokenStaysWithItsOriginAndARequestsOwnAuthorizationWins() async throws {
        try await withServer { base, seen in
            try await withServer { other, otherSeen in
                let settings = HTTPClientSettings(baseURL: base, bearerToken: "t0ken")
                try await HTTPClientResource.run(settings, resolvePath: { $0 }) { client in
                    _ = try await client.send(HTTPRequestSpec(path: other.replacingOccurrences(of: "http:", with: "HTTP:") + "/ok"))
                    #expect(otherSeen.count("/ok") == 1 && otherSeen.authorization.withLock { $0 } == nil)
                    _ = try await client.send(HTTPRequestSpec(path: base + "/ok"))
                    #expect(seen.authorization.withLock { $0 } == "Bearer t0ken")
                    _ = try await client.send(HTTPRequestSpec(path: "/ok", headers: [("Authorization", "Basic Y2xpZW50OnNlY3JldA==")]))
                    #expect(seen.authorization.withLock { $0 } == "Basic Y2xpZW50OnNlY3JldA==")
                }
            }
        }
    }

    @Test func anUnreachableServerIsATransportFailure() async throws {
        let settings = HTTPClientSettings(baseURL: "http://127.0.0.1:\(LoopbackPort.free())", connectTimeout: .seconds(2))
        _ = try await HTTPClientResource.run(settings, resolvePath: { $0 }) { client in
            await #expect {
                _ = try await client.send(HTTPRequestSpec(path: "/ok"))
            } throws: { error in
                guard case .transport = error as? HTTPFailure else { return false }
                return (error as? HTTPFailure)?.isRetryable == true
            }
        }
    }

    @Test func retriesBackOffOnTheInjectedClockAndHonourRetryAfter() async throws {
        try await withServer { base, seen in
            let clock = ManualClock()
            try await HTTPClientResource.run(HTTPClientSettings(baseURL: base), resolvePath: { $0 }) { client in
                let delays = Delays()
                let policy = RetryPolicy(maxAttempts: 4, initialBackoff: .milliseconds(500), maxBackoff: .seconds(30))
                async let answer = client.send(HTTPRequestSpec(path: "/flaky"), policy: policy, clock: clock) { _, _, delay in
                    delays.append(delay)
                }
                // Nothing is sent again before the clock reaches each delay.
                try await clock.waitForSleepers(1)
                #expect(seen.count("/flaky") == 1)
                await clock.advance(by: .seconds(1))
                try await clock.waitForSleepers(1)
                #expect(seen.count("/flaky") == 2)
                await clock.advance(by: .seconds(1))
                #expect(try await answer.status == 200)
                #expect(seen.count("/flaky") == 3)
                // 503 without Retry-After: 500 ms, then 1 s (doubling).
                #expect(delays.all == [.milliseconds(500), .seconds(1)])

                // 429 with Retry-After: 2 s is longer than the backoff, so it is what is waited.
                async let limited: HTTPAnswer = client.send(HTTPRequestSpec(path: "/status/429"), policy: RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(100)), clock: clock) { _, _, delay in
                    delays.append(delay)
                }
                try await clock.waitForSleepers(1)
                await clock.advance(by: .seconds(2))
                do {
                    _ = try await limited
                    Issue.record("a 429 answer succeeded")
                } catch {
                    #expect(error is HTTPFailure)
                }
                #expect(delays.all.last == .seconds(2))
                #expect(seen.count("/status/429") == 2)

                // 401 is never retried.
                await #expect(throws: HTTPFailure.self) {
                    _ = try await client.send(HTTPRequestSpec(path: "/status/401"), policy: policy, clock: clock)
                }
                #expect(seen.count("/status/401") == 1)
            }
        }
    }

    @Test func retryAfterReadsSecondsAndDates() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(HTTPAnswer(status: 503, headers: ["retry-after": "120"]).retryAfter(now: now) == .seconds(120))
        #expect(HTTPAnswer(status: 503, headers: ["retry-after": "Tue, 14 Nov 2023 22:15:20 GMT"]).retryAfter(now: now) == .seconds(120))
        #expect(HTTPAnswer(status: 503, headers: ["retry-after": "soon"]).retryAfter(now: now) == nil)
        // A Retry-After beyond the policy's longest delay ends the retries.
        let policy = RetryPolicy(maxAttempts: 5, initialBackoff: .seconds(1), maxBackoff: .seconds(60))
        let later = HTTPFailure.serverError(HTTPAnswer(status: 503), retryAfter: .seconds(30))
        let muchLater = HTTPFailure.serverError(HTTPAnswer(status: 503), retryAfter: .seconds(86_400))
        #expect(policy.delay(after: later, attempt: 1) == .seconds(30))
        #expect(policy.delay(after: muchLater, attempt: 1) == nil)
        #expect(policy.delay(after: .cancelled, attempt: 1) == nil)
    }

    @Test func aMissingCertificateIsAConfigurationIssueAtItsKey() {
        let settings = HTTPClientSettings(
            baseURL: "https://127.0.0.1:1",
            trust: .pinned(caFile: "/nonexistent/ca.pem"),
            identity: .init(certificateFile: "/nonexistent/client.pem", privateKeyPEM: "not a key")
        )
        let issues = settings.issues(prefix: "api.", resolvePath: { $0 })
        #expect(issues.map(\.path) == ["api.ca_certificate"])
    }

    @Test func theClientLivesOnlyInsideItsClosureAndIsShutDownWhenItThrows() async throws {
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            try await HTTPClientResource.run(HTTPClientSettings(baseURL: "http://127.0.0.1:1"), resolvePath: { $0 }) { _ in throw Stop() }
        }
    }
}

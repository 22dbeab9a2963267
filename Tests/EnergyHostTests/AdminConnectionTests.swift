import AdapterKit
import Foundation
import Testing

/// The admin API of the real `energy-host`, under a file limit, against clients that never finish
/// or never close: every connection it refuses or ends is closed at once, idle ones are closed
/// after `idle_timeout_s`, at most `max_connections` are served together, and the descriptors
/// the adapters need are never exhausted.
@Suite(.serialized) struct AdminConnectionTests {
    /// Sends `request` (with `Connection: close`) on a new connection and returns the answer the
    /// server sent before closing, or nil when none came within `seconds`.
    static func exchange(_ request: String, port: Int, within seconds: Double = 5) async throws -> String? {
        let connection = try RawConnection(port: port)
        connection.send(request)
        var answer = ""
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            answer += connection.received()
            if connection.isClosedByServer() { return answer.isEmpty ? nil : answer }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    static func get(_ path: String, method: String = "GET", port: Int, within seconds: Double = 5) async throws -> String? {
        try await exchange("\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", port: port, within: seconds)
    }

    /// Waits until the server closed every connection of `connections`; returns how many it did.
    static func closedByServer(_ connections: [RawConnection], within seconds: Int) async throws -> Int {
        var open = connections
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !open.isEmpty, ContinuousClock.now < deadline {
            open.removeAll { $0.isClosedByServer() }
            try await Task.sleep(for: .milliseconds(50))
        }
        return connections.count - open.count
    }

    static func openDescriptors(of process: Process) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count) ?? -1
    }

    @Test(.timeLimit(.minutes(2))) func clientsThatNeverFinishOrNeverCloseCannotExhaustTheHost() async throws {
        let site = try DemoSite(admin: ["idle_timeout_s": 4, "max_connections": 8])
        let host = try site.start(fileLimit: 256)
        defer { if host.isRunning { kill(host.processIdentifier, SIGKILL) } }
        let port = site.adminPort
        try await DemoSite.waitFor(20, "the admin API") {
            (try? await Self.get("/health", port: port, within: 1))??.hasPrefix("HTTP/1.1 200") == true
        }
        try await Task.sleep(for: .seconds(1))
        let baseline = Self.openDescriptors(of: host)

        // HEAD works where GET does.
        let head = try #require(try await Self.get("/health", method: "HEAD", port: port))
        #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
        #expect(!head.contains("\"status\""))

        // Idle connections hold the 8 slots: a request waits, until the idle timeout frees them.
        let idle = try (0..<8).map { _ in try RawConnection(port: port) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await Self.get("/health", port: port, within: 1) == nil)
        #expect(try await Self.closedByServer(idle, within: 8) == 8)
        #expect(try await Self.get("/health", port: port)?.hasPrefix("HTTP/1.1 200") == true)

        // 300 requests with a 200 KB header, whose clients never read nor close: each is refused
        // and its connection closed by the server, whose descriptors come back.
        let header = String(repeating: "a", count: 200 * 1024)
        var hostile: [RawConnection] = []
        for _ in 0..<300 {
            let connection = try RawConnection(port: port)
            connection.send("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: \(header)\r\n\r\n")
            hostile.append(connection)
        }
        #expect(try await Self.closedByServer(hostile, within: 20) == 300)
        try await Task.sleep(for: .seconds(1))
        #expect(Self.openDescriptors(of: host) <= baseline + 4, "\(Self.openDescriptors(of: host)) descriptors open, \(baseline) before")

        // Connection: close with a large body nobody reads: answered, then closed.
        let unread = try RawConnection(port: port)
        unread.send("POST /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 10000000\r\n\r\n" + String(repeating: "b", count: 1 << 20))
        #expect(try await Self.closedByServer([unread], within: 5) == 1)

        // The host and its adapters are untouched.
        let health = try #require(try await Self.get("/health", port: port))
        #expect(health.hasPrefix("HTTP/1.1 200"), "\(health)")
        let scrape = try #require(try await Self.get("/metrics", port: port))
        let exposition = String(scrape[scrape.range(of: "\r\n\r\n")!.upperBound...])
        #expect(exposition.contains("energy_adapter_tic_frames_total"))
        let promtool = try await Promtool.check(exposition)
        #expect(promtool.status == 0, "\(promtool.output)")
        let adapters = try #require(try await Self.get("/adapters", port: port))
        #expect(!adapters.contains(#""restarts":1"#) && !adapters.contains(#""last_error""#), "\(adapters)")
        host.terminate()
        host.waitUntilExit()
    }
}

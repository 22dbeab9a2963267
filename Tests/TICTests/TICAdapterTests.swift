import AdapterKit
import AdapterKitTesting
import Foundation
import EnergyTIC
import Testing

/// The adapter in an in-memory host: captures replayed, a real TCP serial server on loopback,
/// configuration mistakes.
@Suite struct TICAdapterTests {
    static func configuration(_ members: [String: JSONValue]) -> String {
        JSONValue.object(members).jsonText
    }

    private func events(_ host: InMemoryHost, kind: EventKind) -> [Event] {
        host.published.filter { $0.kind == kind }
    }

    @Test(.timeLimit(.minutes(1))) func aNoisyCaptureGivesSevenMeasurementsThenTheLinkTimesOut() async throws {
        let host = try InMemoryHost(instanceID: "tic")
        let file = TICFixtures.directory.appendingPathComponent("linky-standard-tempo-stream-teleinfo-nom.tic").path
        let adapter = try host.makeAdapter(TICAdapter.self, configuration: Self.configuration([
            "source": .string("file:" + file), "pace": .string("fastest"), "link_timeout": .number(0.5),
        ]))
        try await host.run(adapter) { host in
            let deadline = ContinuousClock.now + .seconds(20)
            while !host.published.contains(where: { $0.kind == .status && (try? $0.decode(EnergyStatus.self).state) == "link_lost" }),
                ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let measurements = try events(host, kind: .measurement).map { try $0.decode(EnergyMeasurement.self) }
        #expect(measurements.count == 7)
        #expect(events(host, kind: .measurement).allSatisfy { $0.topic == "sites/test-site/tic/measurements" })
        #expect(measurements.allSatisfy { $0.deviceID == measurements[0].deviceID && !$0.deviceID.isEmpty })
        #expect(measurements.allSatisfy { $0.hasMeterTime })
        let statuses = try events(host, kind: .status).map { try $0.decode(EnergyStatus.self).state }
        #expect(statuses == ["receiving", "link_lost"])
        let alarms = try events(host, kind: .alarm).map { try $0.decode(EnergyAlarm.self) }
        #expect(alarms.map(\.code) == ["link_lost"] && alarms[0].active)
        #expect(host.metric("tic_frames_total", labels: ["result": "ok"]).map { $0 + (host.metric("tic_frames_total", labels: ["result": "degraded"]) ?? 0) } == 7)
        // 13 bad checksums in the capture; the first comes before `ADSC` identified the family, when
        // auto detection cannot yet tell a bad group from a group of another mode.
        #expect(host.metric("tic_groups_rejected_total", labels: ["reason": "checksum"]) == 12)
        #expect(host.metric("tic_link_up") == 0)
    }

    /// The capture's pacing runs on the adapter's clock: a manual one, moved 10 ms at a time.
    @Test(.timeLimit(.minutes(1))) func aCaptureIsPacedAtTheLineRate() async throws {
        let clock = ManualClock()
        let host = try InMemoryHost(clock: clock)
        let file = TICFixtures.directory.appendingPathComponent("linky-historic-enedis-tic2websocket.tic").path
        let adapter = try host.makeAdapter(TICAdapter.self, configuration: Self.configuration([
            "source": .string("file:" + file), "mode": .string("linky-historic"),
        ]))
        var took = Duration.zero
        try await host.run(adapter) { host in
            while clock.now.offset < .seconds(10) {
                try await clock.waitForSleepers(1)
                if host.published.count >= 2 { break }
                await clock.advance(by: .milliseconds(10))
            }
            took = clock.now.offset
        }
        // 141 bytes at 1200 Bd (120 characters per second): about 1.2 s.
        #expect(took >= .milliseconds(1100) && took <= .milliseconds(1300), "\(took)")
        #expect(events(host, kind: .measurement).count == 1)
    }

    @Test(.timeLimit(.minutes(1))) func aTCPSerialServerIsReadAndReconnectedTo() async throws {
        let frame = try TICFixtures.bytes("linky-standard-enedis-tic2websocket.tic")
        let server = try LoopbackServer(payloads: [frame, frame])
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(TICAdapter.self, configuration: Self.configuration([
            "source": .string("tcp://127.0.0.1:\(server.port)"),
        ]))
        try await host.run(adapter) { host in
            let deadline = ContinuousClock.now + .seconds(45)  // a loaded 2-core CI machine
            while host.published.filter({ $0.kind == .measurement }).count < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let measurements = try events(host, kind: .measurement).map { try $0.decode(EnergyMeasurement.self) }
        #expect(measurements.count == 2)  // one per connection: the adapter reconnected after the close
        #expect(measurements.first?.raw["ADSC"] != nil)
        #expect(host.logs.contains { $0.message == "TIC source closed, reconnecting" })
    }

    @Test(.timeLimit(.minutes(1))) func aServerThatRefusesIsRetriedAndNamed() async throws {
        let port = try LoopbackServer(payloads: []).port  // the listener closes again at once
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(TICAdapter.self, configuration: Self.configuration([
            "source": .string("tcp://127.0.0.1:\(port)"),
        ]))
        try await host.run(adapter) { host in
            let deadline = ContinuousClock.now + .seconds(30)
            while !host.logs.contains(where: { $0.message == "TIC source unavailable, retrying" }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let retry = host.logs.first { $0.message == "TIC source unavailable, retrying" }
        #expect(retry?.metadata["tic.error"] == "tcp://127.0.0.1:\(port): cannot connect: Connection refused")
    }

    @Test func configurationMistakesAreRefusedWithTheirReason() throws {
        let host = try InMemoryHost()
        let directory = try TICTestFiles.directory()
        let badDictionary = directory.appendingPathComponent("bad.json")
        try Data(#"{"name": "x", "checksum": "historic", "labels": [{"name": "A"}]}"#.utf8).write(to: badDictionary)
        let cases: [([String: JSONValue], String)] = [
            (["source": .string("COM1")], "expected a serial device path"),
            (["source": .string("tcp://gateway")], "expected tcp://host:port"),
            (["source": .string("file:/nonexistent/meter.tic")], "cannot read the capture /nonexistent/meter.tic"),
            (["source": .string("/dev/ttyUSB0"), "mode": .string("saphir")], "config.mode: \"saphir\" is not auto or a known family"),
            (["source": .string("/dev/ttyUSB0"), "dictionaries": .array([.string(badDictionary.path)])], "bad.json: $.labels[0]: missing \"format\""),
        ]
        for (members, message) in cases {
            #expect {
                _ = try host.makeAdapter(TICAdapter.self, configuration: Self.configuration(members))
            } throws: { error in
                "\(error)".contains(message)
            }
        }
    }
}

/// Temporary files for the TIC tests.
enum TICTestFiles {
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tic-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A TCP server on 127.0.0.1 that, for each payload, accepts one connection, writes the payload
/// and closes it — a serial server whose line went quiet, then came back.
final class LoopbackServer: Sendable {
    let port: Int
    private let fd: Int32

    init(payloads: [[UInt8]]) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 4) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw TICSourceErrorForTests("cannot listen on 127.0.0.1")
        }
        fd = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread {
            for payload in payloads {
                var client: Int32
                repeat {  // signals of other tests' children interrupt accept
                    client = accept(listener, nil, nil)
                } while client < 0 && errno == EINTR
                guard client >= 0 else { return }
                _ = payload.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                usleep(200_000)
                close(client)
            }
        }
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}

struct TICSourceErrorForTests: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

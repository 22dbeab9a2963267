import AdapterKit
import AdapterKitTesting
@testable import EnergyHost
import Logging
import Testing

/// The runner's wire form: every message survives the round trip, frames split anywhere are
/// awaited, and hostile bytes are refused with a reason, never a crash.
@Suite struct RunnerWireTests {
    static let event = Event(
        topic: "sites/demo/tic/measurements", kind: .measurement, source: "tic",
        time: EventTime(nanosecondsSinceEpoch: -1_234_567_890_123), sequence: .max, payload: [0, 1, 255], via: "mqtt"
    )

    static let messages: [RunnerMessage] = [
        .create(RunnerMessage.Creation(
            configJSON: #"{"é": "\u0000"}"#, siteID: "demo", instanceID: "tic", dataDirectory: "/var/lib/x",
            configurationDirectory: "/etc", minimumLevel: .warning
        )),
        .start, .stop, .destroy, .destroyed, .ping, .pong,
        .deliver(id: 7, events: [event, Event(topic: "t", kind: .alarm, time: EventTime(nanosecondsSinceEpoch: 0), payload: [])]),
        .deliver(id: .max, events: []),
        .publishAcknowledged(count: 4096, ready: false),
        .created(failure: nil, invalidConfiguration: false),
        .created(failure: "config.port: too large", invalidConfiguration: true),
        .started(true), .started(false),
        .delivered(id: 3, handled: true),
        .runDone(.stopped), .runDone(.failed("boom")), .runDone(.invalidConfiguration("bad")),
        .publish(event),
        .log(level: .critical, message: "a line", metadata: ["k": "v", "ü": ""]),
        .metric(MetricSample(kind: .gauge, name: "tic_link_up", labels: ["a": "b"], value: -0.5)),
    ]

    @Test func everyMessageSurvivesTheRoundTripEvenSplitByteByByte() throws {
        var bytes: [UInt8] = []
        for message in Self.messages { RunnerWire.append(message, to: &bytes) }
        var decoded: [RunnerMessage] = []
        var buffer: [UInt8] = []
        for byte in bytes {  // as a stream socket may hand them over
            buffer.append(byte)
            let used = try buffer.withUnsafeBytes { try RunnerWire.decodeFrames(in: $0) { decoded.append($0) } }
            buffer.removeFirst(used)
        }
        #expect(buffer.isEmpty)
        #expect(decoded.count == Self.messages.count)
        // Encoded again, the decoded messages give the same bytes (dictionaries are encoded sorted).
        var again: [UInt8] = []
        for message in decoded { RunnerWire.append(message, to: &again) }
        #expect(again == bytes)
        #expect(decoded.map { "\($0)" }.first == Self.messages.map { "\($0)" }.first)
    }

    @Test func hostileFramesAreRefusedWithAReason() throws {
        let cases: [([UInt8], String)] = [
            ([0, 0, 0, 0], "a frame of 0 bytes"),
            ([255, 255, 255, 255], "a frame of 4294967295 bytes"),
            ([1, 0, 0, 0, 99], "unknown message type"),
            ([2, 0, 0, 0, 24, 0], "a message cut short"),
            ([5, 0, 0, 0, 6, 0, 0, 0, 0], "a message cut short"),
            ([3, 0, 0, 0, 21, 1, 0], "bytes left after a message"),
            ([14, 0, 0, 0, 3, 1, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 0], "events in"),
        ]
        for (bytes, reason) in cases {
            #expect {
                _ = try bytes.withUnsafeBytes { try RunnerWire.decodeFrames(in: $0) { _ in } }
            } throws: { "\($0)".contains(reason) }
        }
    }

    @Test func randomBytesNeverCrashTheDecoder() {
        var generator = SeededGenerator(seed: 15)
        var valid: [UInt8] = []
        for message in Self.messages { RunnerWire.append(message, to: &valid) }
        for _ in 0..<20_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            _ = try? bytes.withUnsafeBytes { try RunnerWire.decodeFrames(in: $0) { _ in } }
        }
    }
}

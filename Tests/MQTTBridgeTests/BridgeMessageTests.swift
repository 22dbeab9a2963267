import AdapterKit
import Testing

@testable import EnergyMQTTBridge

/// The JSON form on the broker: round trips, refusals naming what is wrong, random damage.
@Suite struct BridgeMessageTests {
    let alarm = try! Event(
        topic: "sites/a/tic/alarms", payload: EnergyAlarm(code: "link_lost", severity: .warning, message: "no frame for 10 s", active: true),
        time: EventTime(nanosecondsSinceEpoch: 1_764_000_000_250_000_000)
    )

    @Test func roundTrip() throws {
        var event = alarm
        event.source = "tic"
        event.sequence = 42
        for seq in [nil, Int64(1), Int64(1) << 52] {
            let message = BridgeMessage(event: event, origin: "gw-a/mqtt", epoch: "epoch-1", seq: seq)
            let text = String(decoding: message.encoded(.json), as: UTF8.self)
            #expect(text.hasPrefix(#"{"topic":"sites/a/tic/alarms","kind":"alarm","source":"tic","time":"2025-11-24T16:00:00.25Z","sequence":42,"payload":{"#))
            #expect(try BridgeMessage(bytes: message.encoded(.json)) == message)
        }
    }

    @Test func theProtobufFormCarriesTheSame() throws {
        var event = alarm
        event.source = "tic"
        event.sequence = 42
        for seq in [nil, Int64(1), Int64.max] {
            let message = BridgeMessage(event: event, origin: "gw-a/mqtt", epoch: "epoch-1", seq: seq)
            let bytes = message.encoded(.protobuf)
            #expect(bytes.first != UInt8(ascii: "{"))
            #expect(try BridgeMessage(bytes: bytes) == message)
            // Written by the outbox: the body first, the sequence appended once known.
            let body = BridgeMessage.body(of: event, origin: "gw-a/mqtt", epoch: "epoch-1", format: .protobuf)
            #expect(try BridgeMessage(bytes: BridgeMessage.finish(body, seq: seq)) == message)
        }
        #expect(throws: (any Error).self) { try BridgeMessage(bytes: [0xFF, 0xFF, 0xFF]) }
        #expect(throws: (any Error).self) { try BridgeMessage(bytes: []) }
    }

    @Test func malformedMessagesAreRefusedWithTheirReason() {
        let cases: [(String, String)] = [
            ("not json", "neither JSON nor a BridgedEvent"),
            ("{not json", "not a JSON object"),
            ("{}", "\"bridge\""),
            (#"{"topic":"t","kind":"alarm","source":"s","time":"2026-01-01T00:00:00Z","payload_base64":""}"#, "\"bridge\""),
            (#"{"topic":"t","kind":"alarm","source":"s","time":"2026-01-01T00:00:00Z","payload_base64":"","bridge":{"origin":""}}"#, "bridge.origin"),
            (#"{"topic":"t","kind":"alarm","source":"s","time":"2026-01-01T00:00:00Z","payload_base64":"","bridge":{"origin":"g/m","seq":-1}}"#, "bridge.seq"),
            (#"{"topic":"t","kind":"alarm","source":"s","time":"yesterday","payload_base64":"","bridge":{"origin":"g/m"}}"#, "\"time\""),
        ]
        for (text, reason) in cases {
            #expect {
                try BridgeMessage(bytes: Array(text.utf8))
            } throws: { error in
                "\(error)".contains(reason)
            }
        }
    }

    /// Thousands of damaged messages: each is read or refused, never a crash.
    @Test func randomDamageNeverCrashes() {
        let original = BridgeMessage(event: alarm, origin: "gw-a/mqtt", epoch: "e", seq: 9).encoded(.json)
        var generator = SystemRandomNumberGenerator()
        var refused = 0
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) where !bytes.isEmpty {
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                case 1: if bytes.count > 1 { bytes.remove(at: Int.random(in: 0..<bytes.count, using: &generator)) }
                default: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
                }
            }
            if (try? BridgeMessage(bytes: bytes)) == nil { refused += 1 }
        }
        #expect(refused > 2000)
        let binary = BridgeMessage(event: alarm, origin: "gw-a/mqtt", epoch: "e", seq: 9).encoded(.protobuf)
        for _ in 0..<3000 {
            var bytes = binary
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            _ = try? BridgeMessage(bytes: bytes)
        }
    }
}

import AdapterKit
import Foundation
import SwiftProtobuf

/// One event as it travels on the broker: the event and where it comes from, in one of two
/// ``Format``s; a receiver reads either (a JSON message starts with `{`, a Protocol Buffers one
/// never does).
///
/// JSON form: the event's documented JSON form (docs/events.md) with one more member,
/// `"bridge":{"origin":"gateway/instance","epoch":"…","seq":N}`. `origin` names the bridge that
/// sent it; `epoch` and `seq` (lossless kinds only) let a receiver drop a message it already has
/// (QoS 1 delivers at least once, and an outbox re-sends after a restart what was not
/// acknowledged).
struct BridgeMessage: Sendable, Hashable {
    /// The event, with its original topic, kind, source, time and sequence.
    var event: Event
    /// The sending bridge: `gateway/instance`.
    var origin: String
    /// The sending bridge's outbox generation (a new database starts a new one).
    var epoch: String
    /// The outbox position of a lossless message; nil for telemetry.
    var seq: Int64?

    /// How messages are written on the broker.
    typealias Format = MQTTBridgeConfiguration.Format

    /// The message in `format`.
    func encoded(_ format: Format) -> [UInt8] {
        Self.finish(Self.body(of: event, origin: origin, epoch: epoch, format: format), seq: seq)
    }

    /// The message of `event` up to its sequence: what the outbox keeps, since the sequence is
    /// the outbox's id, known once stored.
    static func body(of event: Event, origin: String, epoch: String, format: Format) -> [UInt8] {
        switch format {
        case .json:
            var line = event.jsonLine()
            line.removeLast()  // the closing brace
            line += ",\"bridge\":{\"origin\":"
            JSONValue.appendQuoted(origin, to: &line)
            line += ",\"epoch\":"
            JSONValue.appendQuoted(epoch, to: &line)
            return Array(line.utf8)
        case .protobuf:
            var message = Energy_Bridge_V1_BridgedEvent()
            message.topic = event.topic
            message.kind = event.kind.rawValue
            message.source = event.source
            message.timeNs = event.time.nanosecondsSinceEpoch
            message.sequence = event.sequence
            message.payload = Data(event.payload)
            message.origin = origin
            message.epoch = epoch
            return (try? message.serializedBytes()) ?? []
        }
    }

    /// The whole message from a ``body(of:origin:epoch:format:)`` and the sequence, if any (its
    /// format is the body's own: JSON starts with `{`).
    static func finish(_ body: [UInt8], seq: Int64?) -> [UInt8] {
        var bytes = body
        if body.first == UInt8(ascii: "{") {
            if let seq { bytes += Array(",\"seq\":\(seq)".utf8) }
            bytes += Array("}}".utf8)
        } else if let seq {
            // The last field, appended: a message's fields may come in any order.
            var tail = Energy_Bridge_V1_BridgedEvent()
            tail.seq = seq
            bytes += (try? tail.serializedBytes() as [UInt8]) ?? []
        }
        return bytes
    }

    /// Reads a message in either format; the error names what is wrong.
    init(bytes: [UInt8]) throws {
        if bytes.first == UInt8(ascii: "{") {
            try self.init(json: bytes)
            return
        }
        let message: Energy_Bridge_V1_BridgedEvent
        do {
            message = try Energy_Bridge_V1_BridgedEvent(serializedBytes: bytes)
        } catch {
            throw AdapterError(.invalidEvent, "neither JSON nor a BridgedEvent: \(error)")
        }
        guard !message.origin.isEmpty else { throw AdapterError(.invalidEvent, "origin is empty") }
        guard !message.topic.isEmpty, !message.kind.isEmpty else { throw AdapterError(.invalidEvent, "topic or kind is empty") }
        guard message.seq >= 0 else { throw AdapterError(.invalidEvent, "seq is negative") }
        let event = Event(
            topic: message.topic, kind: EventKind(rawValue: message.kind), source: message.source,
            time: EventTime(nanosecondsSinceEpoch: message.timeNs), sequence: message.sequence, payload: Array(message.payload)
        )
        self.init(event: event, origin: message.origin, epoch: message.epoch, seq: message.seq == 0 ? nil : message.seq)
    }

    /// Reads a message from its JSON form; the error names what is wrong.
    private init(json bytes: [UInt8]) throws {
        guard case .object(let members) = try? JSONValue.parse(Data(bytes)) else {
            throw AdapterError(.invalidEvent, "not a JSON object")
        }
        guard case .object(let bridge) = members["bridge"] else {
            throw AdapterError(.invalidEvent, "\"bridge\" is missing or not an object")
        }
        guard let origin = bridge["origin"]?.stringValue, !origin.isEmpty else {
            throw AdapterError(.invalidEvent, "\"bridge.origin\" is missing or empty")
        }
        var seq: Int64?
        if let value = bridge["seq"] {
            guard let number = value.intValue, number > 0 else { throw AdapterError(.invalidEvent, "\"bridge.seq\" is not a positive integer") }
            seq = Int64(number)
        }
        self.init(event: try Event(jsonMembers: members), origin: origin, epoch: bridge["epoch"]?.stringValue ?? "", seq: seq)
    }

    init(event: Event, origin: String, epoch: String, seq: Int64?) {
        self.event = event
        self.origin = origin
        self.epoch = epoch
        self.seq = seq
    }
}

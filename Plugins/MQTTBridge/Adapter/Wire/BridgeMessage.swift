import AdapterKit
import Foundation

/// One event as it travels on the broker: the event and where it comes from.
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

    /// The JSON form, as UTF-8 bytes.
    func json() -> [UInt8] {
        Self.finish(Self.body(of: event, origin: origin, epoch: epoch), seq: seq)
    }

    /// The JSON form of a message of `event` up to its sequence: what the outbox keeps, since
    /// the sequence is the outbox's id, known once stored.
    static func body(of event: Event, origin: String, epoch: String) -> [UInt8] {
        var line = event.jsonLine()
        line.removeLast()  // the closing brace
        line += ",\"bridge\":{\"origin\":"
        JSONValue.appendQuoted(origin, to: &line)
        line += ",\"epoch\":"
        JSONValue.appendQuoted(epoch, to: &line)
        return Array(line.utf8)
    }

    /// The whole JSON form from a ``body(of:origin:epoch:)`` and the sequence, if any.
    static func finish(_ body: [UInt8], seq: Int64?) -> [UInt8] {
        var bytes = body
        if let seq { bytes += Array(",\"seq\":\(seq)".utf8) }
        bytes += Array("}}".utf8)
        return bytes
    }

    /// Reads a message from its JSON form; the error names what is wrong.
    init(json bytes: [UInt8]) throws {
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

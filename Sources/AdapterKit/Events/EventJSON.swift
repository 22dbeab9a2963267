import Foundation
import SwiftProtobuf

/// The documented JSON form of an event (docs/events.md): what the recorder writes, what the MQTT
/// bridge sends, one object per line.
///
/// ```json
/// {"topic":"sites/demo/meter/measurements","kind":"measurement","source":"meter",
///  "time":"2026-11-22T10:00:00.5Z","sequence":42,"payload":{"device_id":"...","values":[...]}}
/// ```
///
/// A bridged event (``Event/via``) has a `"via"` member after `"sequence"`.
///
/// Payloads of the normalized kinds use the Protocol Buffers JSON mapping with the schema's own
/// field names; payloads of other kinds appear as `"payload_base64"`.
extension Event {
    /// The event as one line of JSON (no trailing newline).
    public func jsonLine() -> String {
        var out = "{\"topic\":"
        JSONValue.appendQuoted(topic, to: &out)
        out += ",\"kind\":"
        JSONValue.appendQuoted(kind.rawValue, to: &out)
        out += ",\"source\":"
        JSONValue.appendQuoted(source, to: &out)
        out += ",\"time\":\"" + RFC3339.format(time) + "\",\"sequence\":" + String(sequence)
        if isBridged {
            out += ",\"via\":"
            JSONValue.appendQuoted(via, to: &out)
        }
        if let type = PayloadRegistry.types[kind],
            let message = try? type.init(serializedBytes: payload),
            let json = try? message.jsonString(options: Event.jsonOptions)
        {
            out += ",\"payload\":" + json
        } else {
            out += ",\"payload_base64\":\"" + Data(payload).base64EncodedString() + "\""
        }
        return out + "}"
    }

    /// Parses an event from its JSON form; the error names what is wrong.
    public init(jsonLine: String) throws {
        guard case .object(let members) = try? JSONValue.parse(jsonLine) else {
            throw AdapterError(.invalidEvent, "not a JSON object")
        }
        try self.init(jsonMembers: members)
    }

    /// Reads an event from the members of its parsed JSON form (members it does not know are
    /// ignored); the error names what is wrong.
    package init(jsonMembers members: [String: JSONValue]) throws {
        func string(_ key: String) throws -> String {
            guard let value = members[key]?.stringValue else {
                throw AdapterError(.invalidEvent, "\"\(key)\" is missing or not a string")
            }
            return value
        }
        let kind = EventKind(rawValue: try string("kind"))
        guard let time = RFC3339.parse(try string("time")) else {
            throw AdapterError(.invalidEvent, "\"time\" is not an RFC 3339 timestamp")
        }
        var sequence: UInt64 = 0
        if let value = members["sequence"] {
            guard let number = value.intValue, number >= 0 else {
                throw AdapterError(.invalidEvent, "\"sequence\" is not a non-negative integer")
            }
            sequence = UInt64(number)
        }
        let payload: [UInt8]
        if let base64 = members["payload_base64"]?.stringValue {
            guard let data = Data(base64Encoded: base64) else {
                throw AdapterError(.invalidEvent, "\"payload_base64\" is not base64")
            }
            payload = Array(data)
        } else if let type = PayloadRegistry.types[kind], let json = members["payload"] {
            do {
                payload = try type.init(jsonString: json.jsonText, options: Event.parseOptions).serializedBytes()
            } catch {
                throw AdapterError(.invalidEvent, "\"payload\" is not a valid \(kind): \(error)")
            }
        } else {
            throw AdapterError(.invalidEvent, "no \"payload\" for kind \(kind)")
        }
        self.init(
            topic: try string("topic"),
            kind: kind,
            source: members["source"]?.stringValue ?? "",
            time: time,
            sequence: sequence,
            payload: payload,
            via: members["via"]?.stringValue ?? ""
        )
    }

    private static let jsonOptions: JSONEncodingOptions = {
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        return options
    }()

    private static let parseOptions: JSONDecodingOptions = {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = false
        return options
    }()
}

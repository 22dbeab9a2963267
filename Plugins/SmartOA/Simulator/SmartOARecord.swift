public import Foundation
import Synchronization

/// One `POST /acknowledgements` the simulator received, whatever its answer.
public struct SmartOAAcknowledgementRecord: Sendable, Codable, Hashable {
    /// What the platform made of it.
    public enum Outcome: String, Sendable, Codable, Hashable {
        /// Accepted and stored (201).
        case created
        /// The same curtailment and version acknowledged before (409); nothing stored.
        case duplicate
        /// Refused by ``SmartOASimulator/refuseAcknowledgements(status:)``; nothing stored.
        case refused
        /// Not JSON, or a field missing or of the wrong type (400).
        case malformed
        /// No such curtailment visible (404).
        case unknownCurtailment = "unknown_curtailment"
        /// The curtailment has no such version visible (422).
        case unknownVersion = "unknown_version"
        /// The curtailment belongs to a contract of another account (403).
        case forbidden
    }

    /// Absent when the body was malformed.
    public var curtailmentId: String?
    public var version: Int?
    /// As the client sent it.
    public var acknowledgedAt: String?
    public var receivedAt: Date
    public var outcome: Outcome
    /// The HTTP status answered.
    public var status: Int
    /// The account whose token was used.
    public var account: String
    /// The stored acknowledgement's id (for a duplicate, the first one's).
    public var acknowledgementId: String?
}

/// One API request the simulator received (the `/_simulator` routes are not recorded).
public struct SmartOARequestRecord: Sendable, Codable, Hashable {
    public var method: String
    /// The path with its query (`/curtailments?contractId=...`).
    public var path: String
    /// The status answered; 0 when the connection was closed without an answer.
    public var status: Int
    /// The account of the request's token, when it names one.
    public var account: String?
    /// The client's address.
    public var address: String?
    /// When the answer was given.
    public var time: Date
}

/// The JSON form of records, for `/_simulator` and the record file: keys sorted, times in
/// RFC 3339 with the Paris offset.
enum SmartOARecordCoding {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(SmartOATime.format(date))
        }
        return encoder
    }
}

/// The record file: one JSON object per line, `{"type": "request", ...}` or
/// `{"type": "acknowledgement", ...}`, written as things happen. Emptied when opened.
final class SmartOARecordFile: Sendable {
    private let handle: Mutex<FileHandle>

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw SmartOAScenarioError("cannot write the record file \(path)")
        }
        self.handle = Mutex(handle)
    }

    deinit {
        handle.withLock { try? $0.close() }
    }

    /// Appends `record` as a line with its `type`.
    func append(_ record: some Encodable, type: String) {
        guard var line = try? SmartOARecordCoding.encoder().encode(record), line.last == UInt8(ascii: "}") else { return }
        line.removeLast()
        line.append(contentsOf: Array(#","type":"\#(type)"}"#.utf8) + [UInt8(ascii: "\n")])
        handle.withLock { try? $0.write(contentsOf: line) }
    }
}

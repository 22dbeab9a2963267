import AdapterKit
import AdapterKitHTTPClient
import Crypto
import Foundation

/// Every wire detail of the Smart OA API in one place: paths, query parameters, field names and
/// shapes (docs/smartoa.md, "The assumed contract"). The technical guide is not public: this file
/// is our assumption of it, and the only file to change when the guide is in hand. Nothing else in
/// the adapter knows a path or a field name.
enum SmartOAWire {
    /// `GET /contracts`, one page.
    static func contracts(page: Int, size: Int) -> HTTPRequestSpec {
        get("/contracts", [("page", "\(page)"), ("size", "\(size)")])
    }

    /// `GET /curtailments` of a contract whose window overlaps [from, to), one page.
    static func curtailments(contract: String, from: EventTime, to: EventTime, page: Int, size: Int) -> HTTPRequestSpec {
        get("/curtailments", [("contractId", contract), ("from", "\(from)"), ("to", "\(to)"), ("page", "\(page)"), ("size", "\(size)")])
    }

    /// `GET /acknowledgements` of a contract's orders overlapping [from, to), one page.
    static func acknowledgements(contract: String, from: EventTime, to: EventTime, page: Int, size: Int) -> HTTPRequestSpec {
        get("/acknowledgements", [("contractId", contract), ("from", "\(from)"), ("to", "\(to)"), ("page", "\(page)"), ("size", "\(size)")])
    }

    /// `POST /acknowledgements` of one order revision.
    static func acknowledge(curtailment: String, version: Int64, at time: EventTime) -> HTTPRequestSpec {
        let body: [String: Any] = ["curtailmentId": curtailment, "version": version, "acknowledgedAt": "\(time)"]
        return .json("POST", path: "/acknowledgements", body: Array(try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])))
    }

    /// An acknowledgement answered 409 was already made: success.
    static let alreadyAcknowledgedStatus = 409

    /// One page of an envelope `{"items": [...], "page", "size", "total"}`, each item as its
    /// canonical JSON (keys sorted): what the ledger stores and hashes.
    struct Page {
        var items: [[UInt8]]
        var total: Int
        /// The page size the server used (it may cap the one asked for).
        var size: Int
    }

    /// Reads an envelope; throws ``Malformed`` naming what is wrong.
    static func page(_ body: [UInt8]) throws -> Page {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw Malformed("the answer is not a JSON object")
        }
        guard let items = object["items"] as? [Any] else { throw Malformed("no \"items\" array") }
        let total = (object["total"] as? NSNumber)?.intValue ?? items.count
        let size = (object["size"] as? NSNumber)?.intValue ?? items.count
        return Page(
            items: try items.map { item in
                guard JSONSerialization.isValidJSONObject(item) else { throw Malformed("an item is not an object") }
                return Array(try JSONSerialization.data(withJSONObject: item, options: [.sortedKeys, .withoutEscapingSlashes]))
            },
            total: total, size: size
        )
    }

    /// A contract item: its id.
    static func contractID(_ item: [UInt8]) throws -> String {
        try decode(ContractItem.self, item).contractId
    }

    /// A curtailment item, as an order revision with its raw body and hash.
    static func revision(_ item: [UInt8]) throws -> OrderRevision {
        let wire = try decode(CurtailmentItem.self, item)
        guard let start = RFC3339.parse(wire.start), let end = RFC3339.parse(wire.end) else {
            throw Malformed("curtailment \(wire.curtailmentId): start or end is not an RFC 3339 date")
        }
        guard start < end else { throw Malformed("curtailment \(wire.curtailmentId): start \(wire.start) is not before end \(wire.end)") }
        guard wire.value == 0 || wire.value == 1 else { throw Malformed("curtailment \(wire.curtailmentId): value \(wire.value) is not 0 or 1") }
        guard let status = CurtailmentOrder.Status(wire: wire.status) else {
            throw Malformed("curtailment \(wire.curtailmentId): status \(wire.status) is not ACTIVE or CANCELLED")
        }
        let order = CurtailmentOrder(
            curtailmentID: wire.curtailmentId, contractID: wire.contractId, start: start, end: end,
            stop: wire.value == 1, version: wire.version, status: status
        )
        return OrderRevision(order: order, body: item, bodyHash: SHA256.hash(data: item).map { String(format: "%02x", $0) }.joined())
    }

    /// An acknowledgement item: the (curtailment, version) it acknowledges.
    static func acknowledged(_ item: [UInt8]) throws -> OrderKey {
        let wire = try decode(AcknowledgementItem.self, item)
        return OrderKey(curtailmentID: wire.curtailmentId, version: wire.version)
    }

    /// An answer that does not have the assumed shape.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private struct ContractItem: Decodable {
        var contractId: String
    }

    private struct CurtailmentItem: Decodable {
        var curtailmentId: String
        var contractId: String
        var start: String
        var end: String
        var value: Int
        var version: Int64
        var status: String
    }

    private struct AcknowledgementItem: Decodable {
        var curtailmentId: String
        var version: Int64
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ item: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(item))
        } catch DecodingError.keyNotFound(let key, _) {
            throw Malformed("an item has no \"\(key.stringValue)\": \(String(decoding: item.prefix(300), as: UTF8.self))")
        } catch {
            throw Malformed("an item does not have the expected fields: \(String(decoding: item.prefix(300), as: UTF8.self))")
        }
    }

    private static func get(_ path: String, _ query: [(String, String)]) -> HTTPRequestSpec {
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        // `+` in an offset must reach the server as %2B, not as a space.
        let encoded = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return HTTPRequestSpec(method: "GET", path: path + "?" + encoded, headers: [("Accept", "application/json")])
    }
}

extension CurtailmentOrder.Status {
    /// The status as the wire spells it.
    init?(wire: String) {
        switch wire {
        case "ACTIVE": self = .active
        case "CANCELLED": self = .cancelled
        default: return nil
        }
    }
}

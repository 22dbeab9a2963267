import AdapterKit
import AdapterKitSchedules
import Foundation

// Every field name of the assumed wire contract (docs: Plugins/SmartOA/Simulator/README.md) is here.

/// A contract as `GET /contracts` serves it.
public struct SmartOAContract: Sendable, Codable, Hashable {
    public var contractId: String
    public var name: String
    public var technology: SmartOATechnology
    /// The contractual power in kW (kWc for PV).
    public var contractualPowerKw: Double
    /// `ACTIVE`, or another status the platform gives (`TERMINATED`...).
    public var status: String

    public init(contractId: String, name: String, technology: SmartOATechnology, contractualPowerKw: Double, status: String = "ACTIVE") {
        self.contractId = contractId
        self.name = name
        self.technology = technology
        self.contractualPowerKw = contractualPowerKw
        self.status = status
    }

    init(_ contract: SmartOAScenario.Contract) {
        self.init(
            contractId: contract.id, name: contract.name, technology: contract.technology,
            contractualPowerKw: contract.contractualPowerKw, status: contract.status ?? "ACTIVE"
        )
    }
}

/// An order revision as `GET /curtailments` serves it.
struct CurtailmentItem: Encodable {
    var curtailmentId: String
    var contractId: String
    var start: String
    var end: String
    var value: Int
    var version: Int
    var status: SmartOAOrderStatus
    var createdAt: String
    var updatedAt: String
}

/// An accepted acknowledgement, as `POST /acknowledgements` answers it and
/// `GET /acknowledgements` lists it.
struct AcknowledgementItem: Encodable {
    var acknowledgementId: String
    var curtailmentId: String
    var version: Int
    var acknowledgedAt: String
    var receivedAt: String

    init(_ acknowledgement: SmartOAPlatform.Acknowledgement) {
        acknowledgementId = acknowledgement.id
        curtailmentId = acknowledgement.curtailmentId
        version = acknowledgement.version
        acknowledgedAt = SmartOATime.format(acknowledgement.acknowledgedAt)
        receivedAt = SmartOATime.format(acknowledgement.receivedAt)
    }
}

/// The body of `POST /acknowledgements`; every field is required.
struct AcknowledgementBody: Decodable {
    var curtailmentId: String
    var version: Int
    var acknowledgedAt: String
}

/// A page of a list: `{"items": [...], "page": 1, "size": 100, "total": N}`.
struct Envelope<Item: Encodable>: Encodable {
    var items: [Item]
    var page: Int
    var size: Int
    var total: Int

    /// Page `page` (from 1) of `all`, `size` items a page.
    init(_ all: [Item], page: Int, size: Int) {
        let first = min((page - 1) * size, all.count)
        items = Array(all[first..<min(first + size, all.count)])
        self.page = page
        self.size = size
        total = all.count
    }
}

/// Times on the wire: RFC 3339 with the Europe/Paris offset of the instant
/// (`2026-04-01T10:00:00+02:00`), milliseconds when there are some.
enum SmartOATime {
    static func format(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = floorDivide(milliseconds, 1000)
        let fraction = milliseconds - seconds * 1000
        let offset = ParisTime.utcOffsetHours(at: seconds)
        let local = seconds + Int64(offset) * 3600
        let days = floorDivide(local, 86_400)
        let secondOfDay = Int(local - days * 86_400)
        let civil = RFC3339.civil(fromDays: Int(days))
        var text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", civil.year, civil.month, civil.day,
            secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60
        )
        if fraction != 0 { text += String(format: ".%03d", Int(fraction)) }
        return text + String(format: "+%02d:00", offset)
    }

    /// An RFC 3339 time with `Z` or an offset; nil when malformed.
    static func parse(_ text: String) -> Date? {
        RFC3339.parse(text)?.date
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
}

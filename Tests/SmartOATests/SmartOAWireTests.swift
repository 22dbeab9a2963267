import AdapterKit
import AdapterKitHTTPClient
@testable import EnergySmartOA
import Foundation
import Testing

@Suite struct SmartOAWireTests {
    static let item = #"{"contractId":"OA-1","createdAt":"2026-03-28T12:00:00+01:00","curtailmentId":"K-1","end":"2026-03-29T04:00:00+02:00","start":"2026-03-29T01:45:00+01:00","status":"ACTIVE","updatedAt":"2026-03-28T12:00:00+01:00","value":1,"version":3}"#

    @Test func aRevisionReadsOffsetsAcrossTheSpringChangeAndHashesItsCanonicalBody() throws {
        let page = try SmartOAWire.page(Array(#"{"items":[\#(Self.item)],"page":1,"size":100,"total":1}"#.utf8))
        #expect(page.total == 1 && page.size == 100)
        let revision = try SmartOAWire.revision(page.items[0])
        #expect(revision.order.key == OrderKey(curtailmentID: "K-1", version: 3))
        #expect(revision.order.stopsThePlant)
        #expect("\(revision.order.start)" == "2026-03-29T00:45:00Z")
        #expect("\(revision.order.end)" == "2026-03-29T02:00:00Z", "01:45 CET to 04:00 CEST is 1 h 15 min")
        #expect(revision.bodyHash.count == 64)
        let again = try SmartOAWire.revision(Array(Self.item.utf8))
        #expect(again.bodyHash == revision.bodyHash, "keys sorted either way: the same canonical body")
    }

    @Test(arguments: [
        (#"{"items":3}"#, "items"),
        (#"[1]"#, "object"),
        (#"{"items":[{"curtailmentId":"K"}]}"#, "contractId"),
        (#"{"items":[{"contractId":"C","curtailmentId":"K","start":"yesterday","end":"2026-03-29T04:00:00Z","value":1,"version":1,"status":"ACTIVE"}]}"#, "RFC 3339"),
        (#"{"items":[{"contractId":"C","curtailmentId":"K","start":"2026-03-29T05:00:00Z","end":"2026-03-29T04:00:00Z","value":1,"version":1,"status":"ACTIVE"}]}"#, "not before"),
        (#"{"items":[{"contractId":"C","curtailmentId":"K","start":"2026-03-29T03:00:00Z","end":"2026-03-29T04:00:00Z","value":2,"version":1,"status":"ACTIVE"}]}"#, "not 0 or 1"),
        (#"{"items":[{"contractId":"C","curtailmentId":"K","start":"2026-03-29T03:00:00Z","end":"2026-03-29T04:00:00Z","value":1,"version":1,"status":"DONE"}]}"#, "ACTIVE or CANCELLED"),
    ])
    func malformedAnswersAreRefusedNamingWhatIsWrong(body: String, expected: String) {
        do {
            let page = try SmartOAWire.page(Array(body.utf8))
            for item in page.items { _ = try SmartOAWire.revision(item) }
            Issue.record("accepted \(body)")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
        }
    }

    @Test func queriesEncodeOffsetsAndTheAcknowledgementNamesTheRevision() throws {
        let from = try #require(RFC3339.parse("2026-03-29T00:00:00+01:00"))
        let request = SmartOAWire.curtailments(contract: "OA 1&2", from: from, to: from, page: 2, size: 50)
        #expect(request.path == "/curtailments?contractId=OA%201%262&from=2026-03-28T23:00:00Z&to=2026-03-28T23:00:00Z&page=2&size=50")
        let ack = SmartOAWire.acknowledge(curtailment: "K-1", version: 3, at: from)
        #expect(ack.method == "POST" && ack.path == "/acknowledgements")
        let body = try JSONSerialization.jsonObject(with: Data(ack.body ?? [])) as? [String: Any]
        #expect(body?["curtailmentId"] as? String == "K-1")
        #expect((body?["version"] as? NSNumber)?.int64Value == 3)
        #expect(body?["acknowledgedAt"] as? String == "2026-03-28T23:00:00Z")
    }
}

import AdapterKit
import AdapterKitHTTPClient
@testable import EnergySmartOA
import Foundation
import AdapterKitTesting
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

/// The platform's answers mutated at random: the wire reader refuses or reads them, never traps.
@Suite struct SmartOAWireFuzzTests {
    static let valid = Array(#"{"items":[\#(SmartOAWireTests.item),\#(SmartOAWireTests.item)],"page":1,"size":2,"total":2}"#.utf8)

    @Test func randomMutationsOfAPageAreRefusedOrReadNeverTrap() {
        var generator = SeededGenerator(seed: 12)
        var read = 0, refused = 0
        let replacements = Array("{}[]\",:0123456789-+.eE tfnull\\u00ZT".utf8) + [0x00, 0xFF, 0xC3]
        for _ in 0..<3000 {
            var bytes = Self.valid
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = replacements.randomElement(using: &generator)!
                case 1: bytes.remove(at: index)
                default: bytes.insert(replacements.randomElement(using: &generator)!, at: index)
                }
            }
            do {
                let page = try SmartOAWire.page(bytes)
                for item in page.items { _ = try SmartOAWire.revision(item) }
                read += 1
            } catch {
                #expect(!"\(error)".isEmpty)
                refused += 1
            }
        }
        #expect(read > 0 && refused > 0, "read \(read), refused \(refused)")
    }

    @Test(arguments: [
        #"{"items":[{"contractId":"C","curtailmentId":"K","start":"9999-12-31T23:59:59Z","end":"9999-12-31T23:59:59Z","value":1,"version":1,"status":"ACTIVE"}]}"#,
        #"{"items":[{"contractId":"C","curtailmentId":"K","start":"2026-03-29T03:00:00Z","end":"2026-03-29T04:00:00Z","value":1,"version":1e300,"status":"ACTIVE"}]}"#,
        #"{"items":[{"contractId":"C","curtailmentId":"K","start":"2026-03-29T03:00:00Z","end":"2026-03-29T04:00:00Z","value":-9223372036854775808,"version":1,"status":"ACTIVE"}]}"#,
        #"{"items":[],"total":-5,"size":0}"#,
    ])
    func extremeValuesAreRefusedOrBounded(body: String) {
        do {
            let page = try SmartOAWire.page(Array(body.utf8))
            for item in page.items { _ = try SmartOAWire.revision(item) }
            #expect(page.items.isEmpty, "only the empty page may pass")
        } catch {
            #expect(!"\(error)".isEmpty)
        }
    }
}

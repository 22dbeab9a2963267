import AdapterKitHTTPClient
import EnergySmartOASimulator
import Foundation
import Synchronization
import Testing

/// Acknowledgements and injected faults over real HTTPS, and the record of both.
@Suite struct SmartOASimulatorFaultTests {
    typealias Bed = SmartOASimulatorBed

    static func simulator(options: SmartOAScenario.Options? = nil) throws -> SmartOASimulator {
        let orders = [
            Bed.order("CUR-1", "2026-04-01T08:15:00Z", "2026-04-01T08:30:00Z"),
            Bed.order("CUR-B", "2026-04-01T08:15:00Z", "2026-04-01T08:30:00Z", contract: "OA-B1"),
        ]
        return try SmartOASimulator(scenario: Bed.scenario(curtailments: orders, options: options), now: { Bed.start })
    }

    @Test(.timeLimit(.minutes(1))) func aSecondAcknowledgementOfARevisionIsA409RecordedAsADuplicate() async throws {
        let simulator = try Self.simulator()
        let (answers, listed) = try await Bed.serve(simulator) { client in
            let answers = [
                try await client.acknowledge("CUR-1", version: 1),
                try await client.acknowledge("CUR-1", version: 1),
                try await client.acknowledge("CUR-1", version: 2),
                try await client.acknowledge("CUR-NONE", version: 1),
                try await client.acknowledge("CUR-B", version: 1),
                try await client.send("POST", "/acknowledgements", body: #"{"curtailmentId": "CUR-1"}"#),
                try await client.send("POST", "/acknowledgements", body: #"{"curtailmentId": "CUR-1", "version": 1, "acknowledgedAt": "now"}"#),
            ]
            let listed = try await client.get("/acknowledgements?contractId=OA-A1&from=2026-04-01T08:00:00Z&to=2026-04-01T09:00:00Z")
            return (answers, try Bed.decode(Bed.Page<Bed.Acknowledgement>.self, listed))
        }
        #expect(answers.map(\.status) == [201, 409, 422, 404, 403, 400, 400])
        #expect(answers[0].text.contains(#""acknowledgementId":"ACK-000001""#))
        #expect(answers[1].text.contains(#""acknowledgementId":"ACK-000001""#))
        let records = simulator.acknowledgements()
        #expect(records.map(\.outcome) == [.created, .duplicate, .unknownVersion, .unknownCurtailment, .forbidden, .malformed, .malformed])
        #expect(records[1].acknowledgementId == "ACK-000001")
        #expect(records[1].account == "producer-a")
        #expect(listed.total == 1)
        #expect(listed.items.map { "\($0.curtailmentId) v\($0.version) \($0.acknowledgedAt) \($0.receivedAt)" } == [
            "CUR-1 v1 2026-04-01T10:00:05+02:00 2026-04-01T10:00:00+02:00"
        ])
    }

    @Test(.timeLimit(.minutes(1))) func aRefusedAcknowledgementIsNotStored() async throws {
        let simulator = try Self.simulator()
        let (statuses, listed) = try await Bed.serve(simulator) { client in
            simulator.refuseAcknowledgements(status: 503)
            var statuses = [try await client.acknowledge("CUR-1", version: 1).status]
            simulator.refuseAcknowledgements(status: nil)
            statuses.append(try await client.acknowledge("CUR-1", version: 1).status)
            let listed = try await client.get("/acknowledgements?contractId=OA-A1&from=2026-04-01T08:00:00Z&to=2026-04-01T09:00:00Z")
            return (statuses, try Bed.decode(Bed.Page<Bed.Acknowledgement>.self, listed))
        }
        #expect(statuses == [503, 201])
        #expect(simulator.acknowledgements().map(\.outcome) == [.refused, .created])
        #expect(listed.items.map(\.acknowledgementId) == ["ACK-000001"])
    }

    @Test(.timeLimit(.minutes(1))) func aHeldAcknowledgementIsRecordedBeforeItIsAnswered() async throws {
        let simulator = try Self.simulator()
        simulator.holdAcknowledgements(for: .seconds(2))
        let (recordedWhileHeld, status) = try await Bed.serve(simulator) { client in
            let answered = Atomic(false)
            async let status = { () async throws -> Int in
                let answer = try await client.acknowledge("CUR-1", version: 1)
                answered.store(true, ordering: .sequentiallyConsistent)
                return answer.status
            }()
            while simulator.acknowledgements().isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            let recordedWhileHeld = !answered.load(ordering: .sequentiallyConsistent)
            return (recordedWhileHeld, try await status)
        }
        #expect(recordedWhileHeld)
        #expect(status == 201)
        #expect(simulator.acknowledgements().map(\.outcome) == [.created])
    }

    @Test(.timeLimit(.minutes(1))) func rateLimitsAndServerErrorsComeInOrderThenTheAnswer() async throws {
        let simulator = try Self.simulator()
        simulator.rateLimitNext(1, retryAfter: 30)
        simulator.failNext(2, status: 503, retryAfter: 7)
        simulator.failNext(1, status: 500)
        let answers = try await Bed.serve(simulator) { client in
            var answers: [HTTPAnswer] = []
            for _ in 1...5 { answers.append(try await client.get("/contracts")) }
            return answers
        }
        #expect(answers.map(\.status) == [429, 503, 503, 500, 200])
        #expect(answers.map { $0.headers["retry-after"] } == ["30", "7", "7", nil, nil])
        #expect(simulator.requests().map(\.status) == [429, 503, 503, 500, 200])
    }

    @Test(.timeLimit(.minutes(1))) func aResetClosesTheConnectionWithoutAnswer() async throws {
        let simulator = try Self.simulator()
        simulator.resetNext(1)
        let (reset, after) = try await Bed.serve(simulator) { client in
            let reset: (any Error)?
            do {
                _ = try await client.resource.send(HTTPRequestSpec(method: "GET", path: "/contracts", headers: [("Authorization", "Bearer t-a")]))
                reset = nil
            } catch {
                reset = error
            }
            return (reset, try await client.get("/contracts").status)
        }
        guard case .transport? = reset as? HTTPFailure else {
            Issue.record("expected a transport failure, got \(String(describing: reset))")
            return
        }
        #expect(after == 200)
        #expect(simulator.requests().map(\.status) == [0, 200])
    }

    @Test(.timeLimit(.minutes(1))) func theRecordIsServedWithoutTokenAndWrittenAsJSONLines() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("smartoa-record-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let simulator = try Self.simulator(options: .init(recordFile: file))
        let (acknowledgements, requests) = try await Bed.serve(simulator) { client in
            _ = try await client.acknowledge("CUR-1", version: 1)
            _ = try await client.acknowledge("CUR-1", version: 1)
            return (try await client.get("/_simulator/acknowledgements", token: nil), try await client.get("/_simulator/requests", token: nil))
        }
        #expect(acknowledgements.status == 200)
        #expect(acknowledgements.text.contains(#""outcome":"created""#) && acknowledgements.text.contains(#""outcome":"duplicate""#))
        #expect(requests.text.contains(#""method":"POST","path":"/acknowledgements","status":409"#))
        #expect(!requests.text.contains("_simulator"))
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines.filter { $0.hasSuffix(#""type":"acknowledgement"}"#) }.count == 2)
        #expect(lines.filter { $0.hasSuffix(#""type":"request"}"#) }.count == 2)
    }
}

import AdapterKitHTTPClient
import EnergySmartOASimulator
import Foundation
import Testing

/// The simulator's reads over real HTTPS: paging, windows, revisions over time, access.
@Suite struct SmartOASimulatorTests {
    typealias Bed = SmartOASimulatorBed

    @Test(.timeLimit(.minutes(1))) func pagesAreCappedAtTheMaximumSizeWithTheFullTotal() async throws {
        let orders = (1...5).map { Bed.order("CUR-\($0)", "2026-04-01T10:00:0\($0)+02:00", "2026-04-01T10:15:00+02:00") }
        let simulator = try SmartOASimulator(scenario: Bed.scenario(curtailments: orders, options: .init(maxPageSize: 2)), now: { Bed.start })
        let window = "contractId=OA-A1&from=2026-04-01T00:00:00Z&to=2026-04-02T00:00:00Z"
        let (pages, contracts) = try await Bed.serve(simulator) { client in
            var pages: [Bed.Page<Bed.Order>] = []
            for page in 1...4 {
                pages.append(try Bed.decode(Bed.Page<Bed.Order>.self, try await client.get("/curtailments?\(window)&page=\(page)&size=100")))
            }
            return (pages, try await client.get("/contracts"))
        }
        #expect(pages.map(\.items.count) == [2, 2, 1, 0])
        #expect(pages.map(\.size) == [2, 2, 2, 2])
        #expect(pages.map(\.total) == [5, 5, 5, 5])
        #expect(pages.map(\.page) == [1, 2, 3, 4])
        #expect(pages.flatMap(\.items).map(\.curtailmentId) == ["CUR-1", "CUR-2", "CUR-3", "CUR-4", "CUR-5"])
        #expect(contracts.status == 200)
        #expect(contracts.text.contains(#""contractId":"OA-A1","contractualPowerKw":12000,"name":"PV A1","status":"ACTIVE","technology":"PV""#))
        #expect(contracts.text.contains(#""status":"TERMINATED","technology":"WIND""#))
        #expect(!contracts.text.contains("OA-B1"))
        #expect(contracts.text.hasSuffix(#""page":1,"size":2,"total":2}"#))
    }

    @Test(.timeLimit(.minutes(1))) func ordersOverlappingTheWindowAreReturnedWithTheParisOffset() async throws {
        let orders = [
            Bed.order("BEFORE", "2026-04-01T08:00:00Z", "2026-04-01T08:15:00Z"),
            Bed.order("INSIDE", "2026-04-01T08:15:00Z", "2026-04-01T08:30:00Z"),
            Bed.order("AFTER", "2026-04-01T09:00:00Z", "2026-04-01T09:15:00Z"),
            Bed.order("WINTER", "2026-01-10T11:00:00+01:00", "2026-01-10T12:00:00+01:00"),
            Bed.order("OTHER", "2026-04-01T08:15:00Z", "2026-04-01T08:30:00Z", contract: "OA-A2"),
        ]
        let simulator = try SmartOASimulator(scenario: Bed.scenario(curtailments: orders), now: { Bed.start })
        let answers = try await Bed.serve(simulator) { client in
            [
                try await client.get("/curtailments?contractId=OA-A1&from=2026-04-01T10:15:00%2B02:00&to=2026-04-01T09:00:00Z"),
                try await client.get("/curtailments?contractId=OA-A1&from=2026-01-10T10:30:00Z&to=2026-01-10T10:31:00Z"),
                try await client.get("/curtailments?contractId=OA-A1&to=2026-04-01T09:00:00Z"),
                try await client.get("/curtailments?contractId=OA-A1&from=yesterday&to=2026-04-01T09:00:00Z"),
                try await client.get("/curtailments?from=2026-04-01T08:00:00Z&to=2026-04-01T09:00:00Z"),
                try await client.get("/curtailments?contractId=OA-NONE&from=2026-04-01T08:00:00Z&to=2026-04-01T09:00:00Z"),
                try await client.get("/curtailments?contractId=OA-B1&from=2026-04-01T08:00:00Z&to=2026-04-01T09:00:00Z"),
                try await client.get("/curtailments?contractId=OA-A1&from=2026-04-01T08:00:00Z&to=2026-04-01T09:00:00Z&page=0"),
            ]
        }
        let inside = try Bed.decode(Bed.Page<Bed.Order>.self, answers[0])
        #expect(inside.items == [Bed.Order(
            curtailmentId: "INSIDE", contractId: "OA-A1", start: "2026-04-01T10:15:00+02:00", end: "2026-04-01T10:30:00+02:00",
            value: 1, version: 1, status: "ACTIVE", createdAt: "2026-04-01T10:00:00+02:00", updatedAt: "2026-04-01T10:00:00+02:00"
        )])
        let winter = try Bed.decode(Bed.Page<Bed.Order>.self, answers[1])
        #expect(winter.items.map(\.start) == ["2026-01-10T11:00:00+01:00"])
        #expect(answers[2...4].map(\.status) == [400, 400, 400])
        #expect(answers[2].text.contains("from is required"))
        #expect(answers[3].text.contains(#""error":"from must be an RFC 3339 time"#))
        #expect(answers[4].text.contains("contractId is required"))
        #expect(answers[5].status == 404)
        #expect(answers[6].status == 403)
        #expect(answers[7].status == 400)
    }

    @Test(.timeLimit(.minutes(1))) func revisionsAppearAfterTheirDelayAndRunTimeChangesAtOnce() async throws {
        let clock = Bed.Clock()
        let revised = SmartOAScenario.Curtailment(id: "CUR-R", contract: "OA-A1", revisions: [
            .init(startInS: 60, endInS: 960, value: 0),
            .init(afterS: 30, endInS: 1020),
            .init(afterS: 60, status: .cancelled),
        ])
        let late = SmartOAScenario.Curtailment(id: "CUR-LATE", contract: "OA-A1", revisions: [.init(afterS: 100, startInS: 0, endInS: 900, value: 1)])
        let simulator = try SmartOASimulator(scenario: Bed.scenario(curtailments: [revised, late]), now: clock.now)
        let window = "/curtailments?contractId=OA-A1&from=2026-04-01T08:00:00Z&to=2026-04-02T00:00:00Z"
        let seen = try await Bed.serve(simulator) { client in
            var seen: [[Bed.Order]] = []
            for step in [0.0, 31, 30, 40] {
                clock.advance(seconds: step)
                seen.append(try Bed.decode(Bed.Page<Bed.Order>.self, try await client.get(window)).items)
            }
            try simulator.publish(revision: SmartOARevision(
                curtailmentId: "CUR-NEW", contractId: "OA-A1", start: Bed.start.addingTimeInterval(1800), end: Bed.start.addingTimeInterval(2700), value: 1
            ))
            try simulator.cancel(curtailmentId: "CUR-LATE")
            seen.append(try Bed.decode(Bed.Page<Bed.Order>.self, try await client.get(window)).items)
            return seen
        }
        #expect(seen[0].map(\.curtailmentId) == ["CUR-R"])
        #expect(seen[0].first?.end == "2026-04-01T10:16:00+02:00")
        #expect(seen[1].map { [$0.version, $0.value] } == [[2, 0]])
        #expect(seen[1].first?.end == "2026-04-01T10:17:00+02:00")
        #expect(seen[1].first?.updatedAt == "2026-04-01T10:00:30+02:00")
        #expect(seen[1].first?.createdAt == "2026-04-01T10:00:00+02:00")
        #expect(seen[2].map(\.status) == ["CANCELLED"])
        #expect(seen[2].map(\.version) == [3])
        #expect(seen[3].map(\.curtailmentId) == ["CUR-LATE", "CUR-R"])
        #expect(seen[3].first?.createdAt == "2026-04-01T10:01:40+02:00")
        #expect(seen[4].map { "\($0.curtailmentId) v\($0.version) \($0.status)" } == ["CUR-LATE v2 CANCELLED", "CUR-R v3 CANCELLED", "CUR-NEW v1 ACTIVE"])
        #expect(seen[4].last?.updatedAt == "2026-04-01T10:01:41+02:00")
    }

    @Test(.timeLimit(.minutes(1))) func anExpiredTokenIsAnswered401() async throws {
        let simulator = try SmartOASimulator(scenario: Bed.scenario(), now: { Bed.start })
        let statuses = try await Bed.serve(simulator) { client in
            var statuses = [try await client.get("/contracts", token: "t-old").status, try await client.get("/contracts", token: nil).status]
            simulator.setExpired(token: "t-a", true)
            statuses.append(try await client.get("/contracts").status)
            simulator.setExpired(token: "t-a", false)
            statuses.append(try await client.get("/contracts").status)
            return statuses
        }
        #expect(statuses == [401, 401, 401, 200])
        #expect(simulator.requests().map(\.account) == ["old", nil, "producer-a", "producer-a"])
        #expect(simulator.requests().map(\.path) == ["/contracts", "/contracts", "/contracts", "/contracts"])
    }

    @Test(.timeLimit(.minutes(1))) func undeclaredAddressesAndForbidAllAreAnswered403() async throws {
        let undeclared = try SmartOASimulator(scenario: Bed.scenario(options: .init(declaredAddresses: ["192.0.2.10"])), now: { Bed.start })
        let refused = try await Bed.serve(undeclared) { try await $0.get("/contracts") }
        let declared = try SmartOASimulator(scenario: Bed.scenario(options: .init(declaredAddresses: ["127.0.0.1"])), now: { Bed.start })
        let answers = try await Bed.serve(declared) { client in
            var answers = [try await client.get("/contracts")]
            declared.forbidAll(true)
            answers.append(try await client.get("/contracts"))
            declared.forbidAll(false)
            answers.append(try await client.get("/contracts"))
            return answers
        }
        #expect(refused.status == 403)
        #expect(refused.text == #"{"error":"address not declared"}"#)
        #expect(answers.map(\.status) == [200, 403, 200])
        #expect(answers[1].text == #"{"error":"address not declared"}"#)
    }

    @Test func theDemoScenarioLoads() throws {
        let scenario = try SmartOAScenario.load(path: Bed.path("demo/smartoa-scenario.json"))
        let token = try String(contentsOfFile: Bed.path("demo/smartoa.token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try SmartOASimulator(scenario: scenario)
        #expect(scenario.accounts.map(\.token) == [token])
        #expect(scenario.contracts.map(\.id) == ["OA-PV-0001", "OA-EOL-0002"])
        #expect(scenario.curtailments?.map(\.revisions.count) == [1, 2])
    }

    @Test func inconsistentScenariosAreRefused() {
        #expect(throws: SmartOAScenarioError.self) {
            try SmartOASimulator(scenario: Bed.scenario(curtailments: [Bed.order("X", "2026-04-01T10:00:00Z", "2026-04-01T09:00:00Z")]))
        }
        #expect(throws: SmartOAScenarioError.self) {
            try SmartOASimulator(scenario: Bed.scenario(curtailments: [Bed.order("X", "2026-04-01T10:00:00Z", "2026-04-01T11:00:00Z", contract: "NONE")]))
        }
        #expect(throws: SmartOAScenarioError.self) {
            try SmartOASimulator(scenario: Bed.scenario(curtailments: [.init(id: "X", contract: "OA-A1", revisions: [.init(startInS: 0, endInS: 60)])]))
        }
    }
}

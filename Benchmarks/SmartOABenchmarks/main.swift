import AdapterKit
import AdapterKitTesting
import EnergySmartOA
import EnergySmartOASimulator
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Synchronization

// SmartOA benchmark (release build): `scripts/benchmark.sh smartoa`. One instance polling 500
// contracts across 50 accounts against the simulator over HTTPS on loopback (both in this process,
// real time): the full resynchronisation at start (time, requests), a regular poll round
// (requests), memory, and the acknowledgement latency (an order visible on the platform → its
// acknowledgement received by the platform) of orders published while it runs.

enum Bench {
    static let accounts = 50, contractsPerAccount = 10, pollInterval = 5
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

func residentMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
}

func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * fraction).rounded(.up)) - 1))]
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// 50 accounts of 10 contracts, each contract with an order at 0 and a stop order at 1 in the window.
func scenario() -> SmartOAScenario {
    var scenarioAccounts: [SmartOAScenario.Account] = [], contracts: [SmartOAScenario.Contract] = []
    var curtailments: [SmartOAScenario.Curtailment] = []
    for account in 0..<Bench.accounts {
        let ids = (0..<Bench.contractsPerAccount).map { "OA-\(account)-\($0)" }
        scenarioAccounts.append(.init(token: "token-\(account)", name: "producer-\(account)", contracts: ids))
        for (index, id) in ids.enumerated() {
            contracts.append(.init(id: id, name: id, technology: index.isMultiple(of: 2) ? .pv : .wind, contractualPowerKw: 12_000))
            curtailments.append(.init(id: "\(id)-R", contract: id, revisions: [.init(startInS: 7200, endInS: 8100, value: 0)]))
            curtailments.append(.init(id: "\(id)-S", contract: id, revisions: [.init(startInS: 10_800, endInS: 11_700, value: 1)]))
        }
    }
    return SmartOAScenario(accounts: scenarioAccounts, contracts: contracts, curtailments: curtailments, options: .init(maxPageSize: 100))
}

func configuration(port: Int) -> String {
    let list = (0..<Bench.accounts).map { account in
        let contracts = (0..<Bench.contractsPerAccount).map { #"{"contract_id": "OA-\#(account)-\#($0)", "targets": ["plant-\#(account)-\#($0)"]}"# }
        return #"{"name": "producer-\#(account)", "token": "token-\#(account)", "contracts": [\#(contracts.joined(separator: ","))]}"#
    }
    return """
        {"base_urls": {"recette": "https://127.0.0.1:\(port)"}, "ca_certificate": "demo/certs/ca.pem",
         "poll_interval_s": \(Bench.pollInterval), "poll_jitter_s": 0, "accounts": [\(list.joined(separator: ","))]}
        """
}

func acknowledged(_ ledger: String) throws -> [String: Int64] {
    let queue = try DatabaseQueue(path: ledger)
    return try queue.read { db in
        var times: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT curtailment_id, version, acknowledged_ns FROM revisions WHERE ack_state = 'acknowledged'") {
            times["\(row["curtailment_id"] as String) v\(row["version"] as Int64)"] = row["acknowledged_ns"]
        }
        return times
    }
}

func benchmark() async throws {
    let simulator = try SmartOASimulator(scenario: scenario())
    let port = Atomic<Int>(0)
    let logger = Logger(label: "smartoa-bench")
    let settings = SmartOASimulator.serverSettings(port: 0, certificate: Bench.root + "/demo/certs/server.pem", privateKey: Bench.root + "/demo/certs/server.key")
    let application = try simulator.makeApplication(settings: settings, logger: logger) { port.store($0, ordering: .relaxed) }
    let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        while port.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let before = residentMegabytes()
        let host = try InMemoryHost(siteID: "bench", instanceID: "smartoa", configurationDirectory: Bench.root)
        let ledger = host.dataDirectory + "/" + SmartOAAdapter.ledgerFile
        let adapter = try host.makeAdapter(SmartOAAdapter.self, configuration: configuration(port: port.load(ordering: .relaxed)))
        let revisions = Bench.accounts * Bench.contractsPerAccount * 2
        try await host.run(adapter) { _ in
            let clock = ContinuousClock()
            let start = clock.now
            while try acknowledged(ledger).count < revisions { try await Task.sleep(for: .milliseconds(20)) }
            let resync = start.duration(to: clock.now)
            let resyncRequests = simulator.requests().count
            let posts = simulator.requests().filter { $0.method == "POST" }.count
            print(String(format: "full resync of %d contracts across %d accounts: %.2f s to acknowledge all %d revisions; %d requests (%d of them acknowledgements)",
                         Bench.accounts * Bench.contractsPerAccount, Bench.accounts, seconds(resync), revisions, resyncRequests, posts))
            // A regular round: every account polls once more (no new order).
            let roundStart = simulator.requests().count
            try await Task.sleep(for: .seconds(Bench.pollInterval) + .milliseconds(900))
            let round = simulator.requests().count - roundStart
            print(String(format: "regular poll round (all %d accounts): %d requests, %.1f per account", Bench.accounts, round, Double(round) / Double(Bench.accounts)))
            print(String(format: "memory: process RSS %.1f MB before the instance, %.1f MB after the resync (simulator and instance in one process); ledger %.0f KB",
                         before, residentMegabytes(), Double((try? FileManager.default.attributesOfItem(atPath: ledger)[.size] as? Int) ?? 0) / 1024))

            // Orders published at random instants over 60 s, one every 0.25 s on a random contract.
            var generator = SystemRandomNumberGenerator()
            var published: [String: Date] = [:]
            for index in 0..<240 {
                let account = Int.random(in: 0..<Bench.accounts, using: &generator), contract = Int.random(in: 0..<Bench.contractsPerAccount, using: &generator)
                let now = Date()
                let revision = SmartOARevision(curtailmentId: "NEW-\(index)", contractId: "OA-\(account)-\(contract)",
                                               start: now.addingTimeInterval(3600), end: now.addingTimeInterval(4500), value: 1)
                try simulator.publish(revision: revision)
                published["NEW-\(index) v1"] = now
                try await Task.sleep(for: .milliseconds(250))
            }
            let deadline = clock.now + .seconds(30)
            var times = try acknowledged(ledger)
            while published.keys.contains(where: { times[$0] == nil }), clock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                times = try acknowledged(ledger)
            }
            let latencies = published.compactMap { key, visible in times[key].map { Double($0) / 1e9 - visible.timeIntervalSince1970 } }
            let received = Dictionary(grouping: simulator.acknowledgements().filter { $0.outcome == .created }) { "\($0.curtailmentId ?? "") v\($0.version ?? 0)" }
            print(String(format: "acknowledgement latency (visible on the platform → acknowledged), %d orders, poll every %d s: p50 %.2f s, p99 %.2f s, max %.2f s; duplicates %d, missing %d",
                         latencies.count, Bench.pollInterval, percentile(latencies, 0.5), percentile(latencies, 0.99), latencies.max() ?? 0,
                         received.values.filter { $0.count > 1 }.count, published.count - latencies.count))
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

try await benchmark()

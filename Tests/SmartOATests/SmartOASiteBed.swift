import AdapterKit
import AdapterKitTesting
import EnergySmartOA
import EnergySmartOASimulator
import Foundation

/// A SmartOA instance in an `InMemoryHost` on virtual time, polling the simulator over real HTTPS on
/// loopback. The simulator and the adapter share one wall clock, which moves only with
/// ``advance(seconds:)``: each second, the clock moves and the bed waits (in real time) until every
/// task of the adapter sleeps again, so each step's requests have completed.
final class SmartOASiteBed: Sendable {
    /// 2026-04-01T08:00:00Z (10:00 in Paris): when the simulator and the adapter start.
    static let start = Date(timeIntervalSince1970: 1_775_030_400)

    let clock: ManualClock
    let simulator: SmartOASimulator
    let host: InMemoryHost
    let adapter: SmartOAAdapter
    /// The adapter's tasks that sleep between steps: the account's, and the plant's ticker.
    let tasks: Int

    /// The shared wall clock.
    static func now(_ clock: ManualClock) -> Date {
        start.addingTimeInterval(Double(clock.now.offset.components.seconds) + Double(clock.now.offset.components.attoseconds) / 1e18)
    }

    var now: Date { Self.now(clock) }

    /// Seconds since the start.
    var elapsed: Int { Int(clock.now.offset.components.seconds) }

    /// Runs the scenario's simulator and a SmartOA instance of one account configured by
    /// `configuration(port)`, then `body`.
    static func run(_ scenario: SmartOAScenario, configuration: (Int) -> String, body: (SmartOASiteBed) async throws -> Void) async throws {
        let clock = ManualClock()
        let simulator = try SmartOASimulator(scenario: scenario, now: { now(clock) })
        try await SmartOATestSupport.withPlatform(simulator) { port in
            let host = try InMemoryHost(
                siteID: "producer", instanceID: "smartoa", configurationDirectory: SmartOATestSupport.repositoryRoot,
                clock: clock, now: { EventTime(now(clock)) }
            )
            let adapter = try host.makeAdapter(SmartOAAdapter.self, configuration: configuration(port))
            let bed = SmartOASiteBed(simulator: simulator, host: host, adapter: adapter, tasks: 2, clock: clock)
            try await host.run(adapter) { _ in
                try await bed.settle()
                try await body(bed)
            }
        }
    }

    private init(simulator: SmartOASimulator, host: InMemoryHost, adapter: SmartOAAdapter, tasks: Int, clock: ManualClock) {
        self.simulator = simulator
        self.host = host
        self.adapter = adapter
        self.tasks = tasks
        self.clock = clock
    }

    /// Moves the clock `seconds` forward, one second at a time, letting each second's work finish.
    func advance(seconds: Int) async throws {
        for _ in 0..<seconds {
            await clock.advance(by: .seconds(1))
            try await settle()
        }
    }

    /// Moves the clock until `condition` holds, at most `seconds`; false if it never did.
    func advance(atMost seconds: Int, until condition: () -> Bool) async throws -> Bool {
        for _ in 0..<seconds {
            if condition() { return true }
            try await advance(seconds: 1)
        }
        return condition()
    }

    /// Waits (real time, at most 20 s) until every task of the adapter sleeps on the clock.
    func settle() async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while clock.sleeperCount < tasks {
            guard ContinuousClock.now < deadline else { throw SettleError(sleepers: clock.sleeperCount, expected: tasks) }
            try await Task.sleep(for: .milliseconds(2))
        }
        try await Task.sleep(for: .milliseconds(2))
    }

    struct SettleError: Error, CustomStringConvertible {
        var sleepers: Int
        var expected: Int
        var description: String { "the adapter's tasks did not all go back to sleep (\(sleepers) of \(expected))" }
    }

    /// The acknowledgements the simulator stored (201), as "curtailment vN".
    var created: [String] {
        simulator.acknowledgements().filter { $0.outcome == .created }.map { "\($0.curtailmentId ?? "?") v\($0.version ?? 0)" }
    }

    /// Every acknowledgement the simulator received, as "curtailment vN outcome".
    var received: [String] {
        simulator.acknowledgements().map { "\($0.curtailmentId ?? "?") v\($0.version ?? 0) \($0.outcome.rawValue)" }
    }

    /// The commands published, as "target action".
    func commands() -> [String] {
        host.published.filter { $0.kind == .command }.compactMap { event in
            (try? event.decode(EnergyCommand.self)).map { "\($0.target) \($0.action)" }
        }
    }

    /// The alarms published, as "code active" / "code cleared".
    func alarms() -> [String] {
        host.published.filter { $0.kind == .alarm }.compactMap { event in
            (try? event.decode(EnergyAlarm.self)).map { "\($0.code) \($0.active ? "active" : "cleared")" }
        }
    }

    /// A time `seconds` after the start, RFC 3339 in Paris summer time (what the platform sends).
    static func paris(_ seconds: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: 7200)
        return formatter.string(from: start.addingTimeInterval(Double(seconds)))
    }

    /// The configuration of one account `producer-a` (token `token-a`) with `contracts`.
    static func configuration(port: Int, contracts: [(id: String, target: String, policy: String)], extra: String = "") -> String {
        let list = contracts.map { #"{"contract_id": "\#($0.id)", "targets": ["\#($0.target)"], "acknowledge": "\#($0.policy)"}"# }
        return """
            {"base_urls": {"recette": "https://127.0.0.1:\(port)"}, "ca_certificate": "demo/certs/ca.pem",
             "poll_interval_s": 60, "poll_jitter_s": 0, "request_timeout_s": 2, "plant_ack_timeout_s": 30\(extra),
             "accounts": [{"name": "producer-a", "token": "token-a", "contracts": [\(list.joined(separator: ","))]}]}
            """
    }
}

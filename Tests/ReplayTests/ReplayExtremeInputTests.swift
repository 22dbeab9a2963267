import AdapterKit
import AdapterKitTesting
import EnergyReplay
import Foundation
import Testing

/// Files with extreme times and values, and seeded random lines: the replay publishes what it can,
/// skips what it cannot read, and never traps.
@Suite struct ReplayExtremeInputTests {
    /// Times centuries apart (their difference in nanoseconds overflows 64 bits), replayed at the
    /// recorded pace and as fast as possible.
    @Test(.timeLimit(.minutes(1)), arguments: ["recorded", "fastest"])
    func timesCenturiesApartDoNotTrap(pace: String) async throws {
        let file = try ReplaySupport.write("""
            time_utc,active_power_import_w
            1677-09-22T00:12:44Z,1
            2262-04-11T23:47:16Z,2
            1970-01-01T00:00:00Z,3

            """, named: "extreme.csv")
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(
            ReplayAdapter.self,
            configuration: ReplaySupport.configuration(file: file, ["pace": .string(pace), "speed": .number(0.001)])
        )
        try await host.run(adapter) { host in
            _ = await host.waitForPublished(count: pace == "fastest" ? 3 : 1, timeout: .seconds(5))
        }
        #expect(host.published.count == (pace == "fastest" ? 3 : 1))
    }

    /// Seeded random CSV and JSON Lines files: every line is published or skipped (and counted).
    @Test(.timeLimit(.minutes(1)), arguments: 0..<8)
    func randomLinesArePublishedOrSkipped(seed: UInt64) async throws {
        var generator = SeededGenerator(seed: seed)
        let fields = ["2026-01-15T08:00:00Z", "9999-12-31T23:59:59.999999999+14:00", "0000-01-01T00:00:00Z", "-9.3e18",
                      "9.3e18", "1e308", "-1e308", "nan", "inf", "", "\"", "1,5", "2026-02-30T00:00:00Z", "1768464000.5"]
        var csv = "time_utc,active_power_import_kw,voltage_v@1\n"
        var jsonl = ""
        for _ in 0..<200 {
            let row = (0..<3).map { _ in fields.randomElement(using: &generator)! }
            csv += row.joined(separator: ",") + "\n"
            let sequence = ["1", "-1", "1e30", "18446744073709551616", "0.5"].randomElement(using: &generator)!
            jsonl += #"{"topic":"sites/a/b/measurements","kind":"measurement","source":"x","time":"\#(row[0])","sequence":\#(sequence),"payload":{}}"# + "\n"
        }
        for (name, text, format) in [("random.csv", csv, "csv"), ("random.jsonl", jsonl, "jsonl")] {
            let file = try ReplaySupport.write(text, named: name)
            let host = try InMemoryHost()
            let adapter = try host.makeAdapter(
                ReplayAdapter.self,
                configuration: ReplaySupport.configuration(file: file, ["pace": .string("fastest"), "format": .string(format)])
            )
            try await host.run(adapter) { host in
                let deadline = ContinuousClock.now + .seconds(10)
                while !host.logs.contains(where: { $0.message == "replay finished" || $0.message == "nothing to replay" }),
                    ContinuousClock.now < deadline
                {
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            let skipped = host.logs.contains { $0.message == "lines skipped" }
            #expect(host.published.count == 200 || skipped, "\(name): \(host.published.count) published, none skipped")
        }
    }
}

import AdapterKit
import AdapterKitTesting
import Foundation
import Testing

/// The real `energy-host` binary on the repository's demo configuration, and `validate` on a bad one.
@Suite struct EndToEndTests {
    /// A copy of the demo site in a temporary directory, with the admin API on a free port; the
    /// adapters of the types in `isolated` run in runner processes.
    private func demoSite(isolating isolated: Set<String> = []) throws -> URL {
        let directory = try TestSupport.temporaryDirectory()
        let root = TestSupport.repositoryRoot
        var config = try String(contentsOf: root.appendingPathComponent("adapters.json"), encoding: .utf8)
        config = config.replacingOccurrences(of: "127.0.0.1:9480", with: "127.0.0.1:0")
            .replacingOccurrences(of: "8470", with: "\(LoopbackPort.free())")  // the FlexReady server and its operator
        if !isolated.isEmpty {
            var document = try JSONSerialization.jsonObject(with: Data(config.utf8)) as! [String: Any]
            var sites = document["sites"] as! [[String: Any]]
            for site in sites.indices {
                var adapters = sites[site]["adapters"] as! [[String: Any]]
                for index in adapters.indices where isolated.contains(adapters[index]["plugin"] as! String) {
                    adapters[index]["isolation"] = "process"
                }
                sites[site]["adapters"] = adapters
            }
            document["sites"] = sites
            config = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
        }
        try TestSupport.write(config, to: "adapters.json", in: directory)
        try FileManager.default.copyItem(at: root.appendingPathComponent("demo"), to: directory.appendingPathComponent("demo"))
        return directory
    }

    /// The demo as it is, and with its TIC, Interruptibility and Recorder instances in runner
    /// processes: the same events, the same clean exit.
    @Test(.timeLimit(.minutes(1)), arguments: [Set<String>(), ["TIC", "Interruptibility", "Recorder"]])
    func theDemoRecordsEventsAndSIGTERMExitsCleanlyWithTheFileComplete(isolated: Set<String>) async throws {
        let site = try demoSite(isolating: isolated)
        let recording = site.appendingPathComponent("data/demo/recorder/events.jsonl")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.hostExecutable)
        process.arguments = ["run", "--config", site.appendingPathComponent("adapters.json").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: recording, encoding: .utf8)) ?? ""
            if text.split(separator: "\n").count >= 20, text.contains("sites/demo/tic/measurements") { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let signalled = ContinuousClock.now
        process.terminate()  // SIGTERM
        while process.isRunning, ContinuousClock.now - signalled < .seconds(5) {
            try await Task.sleep(for: .milliseconds(5))
        }
        let shutdown = ContinuousClock.now - signalled
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
        #expect(shutdown < .seconds(2), "shutdown took \(shutdown)")
        let text = try String(contentsOf: recording, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let events = try text.split(separator: "\n").map { try Event(jsonLine: String($0)) }
        #expect(events.count >= 20)
        // Sequence numbers are per source: each source's are contiguous in the file (nothing lost).
        for source in ["meter", "tic"] {
            let sequences = events.filter { $0.source == source }.map(\.sequence)
            #expect(!sequences.isEmpty && sequences == Array(1...UInt64(sequences.count)), "\(source)")
        }
        let meter = events.filter { $0.source == "meter" }
        #expect(meter.allSatisfy { $0.topic == "sites/demo/meter/measurements" })
        let tic = try events.filter { $0.topic == "sites/demo/tic/measurements" }.map { try $0.decode(EnergyMeasurement.self) }
        #expect(!tic.isEmpty)
        #expect(tic.allSatisfy { $0.value(of: .apparentPowerImport) != nil && $0.hasMeterTime })
        let first = try meter[0].decode(EnergyMeasurement.self)
        #expect(first.value(of: .activePowerImport)?.value == 42_000)
        #expect(first.value(of: .voltage, phase: 1)?.unit == "V")
    }

    @Test func validateReportsEveryMistakeWithItsPathAndFails() async throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = try TestSupport.write(#"""
            {"host": {"id": "gw", "log_level": "chatty"},
             "sites": [{"id": "s1", "adapters": [
                {"id": "rec", "plugin": "Recorder", "config": {"keep": -1}},
                {"id": "meter", "plugin": "Replay", "config": {"file": "x.csv", "pace": "slow"}},
                {"id": "ghost", "plugin": "Ghost"},
                {"id": "echo", "plugin": "CEcho", "retsart": {}}
             ]}]}
            """#, to: "bad.json", in: directory)
        let result = try await TestSupport.run(TestSupport.hostExecutable, ["validate", "--config", path])
        #expect(result.status != 0)
        let lines = result.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first?.hasSuffix("bad.json: 5 errors") == true, "\(result.output)")
        let expected = [
            "host.log_level: \"chatty\" is not one of",
            "sites[0].adapters[3].retsart: unknown key",
            "sites[0].adapters[0].config.keep: -1 is below the minimum 0",
            "sites[0].adapters[1].config.pace: \"slow\" is not one of \"recorded\", \"fastest\"",
            "sites[0].adapters[2].plugin: not found: no libGhost.so",
        ]
        for prefix in expected {
            #expect(lines.contains { $0.hasPrefix(prefix) }, "missing \(prefix) in \(result.output)")
        }
    }

    /// An admin address that cannot be used ends the host at once with a message naming it
    /// (before, the host hung, SIGTERM ignored).
    @Test(.timeLimit(.minutes(1))) func anAdminAddressThatCannotBeBoundEndsTheHostSayingWhy() async throws {
        let directory = try TestSupport.temporaryDirectory()
        try await LoopbackPort.occupied { port in
            for listenAddress in ["127.0.0.1:\(port)", "no-such-host.invalid:9480"] {
                let path = try TestSupport.write(#"""
                    {"host": {"id": "gw", "data_dir": "data", "admin": {"listen": "\#(listenAddress)"}},
                     "sites": [{"id": "s", "adapters": [{"id": "p", "plugin": "Probe", "config": {"mode": "emit", "rate": 10}}]}]}
                    """#, to: "adapters.json", in: directory)
                let started = ContinuousClock.now
                let result = try await TestSupport.run(TestSupport.hostExecutable, ["run", "--config", path])
                #expect(result.status == 1, "\(result.output)")
                #expect(result.output.contains("energy-host: the admin API cannot listen on \(listenAddress) (host.admin.listen): "), "\(result.output)")
                #expect(ContinuousClock.now - started < .seconds(20))
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func anAdminAPIBeyondLoopbackWithoutTLSIsWarnedAbout() async throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = try TestSupport.write(#"""
            {"host": {"id": "gw", "data_dir": "data", "admin": {"listen": "0.0.0.0:0"}}, "sites": [{"id": "s", "adapters": []}]}
            """#, to: "adapters.json", in: directory)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.hostExecutable)
        process.arguments = ["run", "--config", path]
        let output = Pipe()
        process.standardError = output
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(for: .seconds(1))
        process.terminate()
        process.waitUntilExit()
        let log = String(decoding: output.fileHandleForReading.readToEndRetryingInterrupts(), as: UTF8.self)
        #expect(log.contains("warning") && log.contains("without TLS") && log.contains("address=0.0.0.0:0"), "\(log)")
    }

    @Test func validateAcceptsTheDemoConfiguration() async throws {
        let result = try await TestSupport.run(TestSupport.hostExecutable, ["validate", "--config", TestSupport.repositoryRoot.appendingPathComponent("adapters.json").path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("valid — 2 site(s), 14 adapter(s)"))
    }

    @Test func pluginsListsEveryLibraryAndRefusesSkewedOnes() async throws {
        let directory = try TestSupport.temporaryDirectory()
        _ = try await TestSupport.buildCAdapter(flags: ["-DADAPTERKIT_ABI_MAJOR=2"], in: directory)
        let result = try await TestSupport.run(TestSupport.hostExecutable, ["plugins", "--plugins-dir", directory.path])
        #expect(result.output.contains("libCEcho.so: refused — ABI version mismatch: built against AdapterKit ABI 2."), "\(result.output)")
        let products = try await TestSupport.run(TestSupport.hostExecutable, ["plugins"])
        for name in ["CEcho 1.0.0", "Probe 1.0.0", "Recorder 1.0.0", "Replay 1.0.0", "TIC 1.0.0"] {
            #expect(products.output.contains(name), "\(products.output)")
        }
    }
}

import AdapterKit
import AdapterKitHarness
import AdapterKitTesting
import EnergyHost
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// `isolation: "process"` through the real `energy-host`, with C adapters written to fail: each
/// runs in a runner process of its own, so a crash, an abort, a blocked call, a leak or a flood
/// harms only itself. The host stays up, the demo's interruptibility still trips on time, each
/// faulty instance is reported with how its runner ended and restarted by its policy, and no
/// runner outlives the host, even killed with SIGKILL.
@Suite(.serialized) struct ProcessIsolationTests {
    @Test(.timeLimit(.minutes(2))) func faultyAdaptersInRunnersHarmOnlyThemselves() async throws {
        let libraries = try TestSupport.temporaryDirectory()
        let faults: [(type: String, flags: [String])] = [
            ("CSegvDeliver", ["-DCECHO_FAULT=9"]),
            ("CAbortStart", ["-DCECHO_FAULT=10"]),
            ("CBlockDeliver", ["-DCECHO_FAULT=7"]),
            ("CLeakDeliver", ["-DCECHO_FAULT=11"]),
            // 40 000 publishes as fast as the host takes them, then quiet: the flood's CPU is the
            // other tests' too.
            ("CFlood", [#"-DCECHO_FLOOD_TOPIC="flood/cecho""#, "-DCECHO_FLOOD_LIMIT=40000"]),
            ("CBlockCreate", ["-DCECHO_FAULT=15"]),
        ]
        for fault in faults {
            _ = try await TestSupport.buildCAdapter(flags: fault.flags + [#"-DCECHO_TYPE_NAME="\#(fault.type)""#], name: fault.type, in: libraries)
        }
        let frequency = ["sites/demo/frequency-a/measurements"]
        // A crash loop of runners (a process started at each restart, a debug build) costs the
        // CPU the other tests of the run need: each faulty instance is restarted twice, then
        // failed for good.
        let restart: [String: Any] = ["policy": "on_failure", "max_restarts": 2, "initial_backoff_ms": 500, "max_backoff_ms": 500]
        func isolated(_ id: String, _ plugin: String, _ extra: [String: Any] = [:]) -> [String: Any] {
            ["id": id, "plugin": plugin, "isolation": "process", "restart": restart, "subscribe": frequency].merging(extra) { $1 }
        }
        let site = try DemoSite(extraAdapters: [
            isolated("segv", "CSegvDeliver"),
            isolated("abort", "CAbortStart"),
            isolated("stuck", "CBlockDeliver", ["watchdog_s": 1]),
            isolated("leak", "CLeakDeliver", ["limits": ["memory_mb": 1024, "open_files": 64]]),
            isolated("flood", "CFlood", ["subscribe": [String]()]),
            isolated("segv-once", "CSegvDeliver", ["restart": ["policy": "never"]]),
            isolated("mute", "CBlockCreate", ["watchdog_s": 1]),
        ])
        let launched = EventTime.now()
        let host = try site.start(pluginsDirectories: [libraries.path])
        defer { if host.isRunning { kill(host.processIdentifier, SIGKILL) } }

        // Each faulty instance is reported with how its runner ended, and restarted.
        let expected = [
            "segv": "crashed with SIGSEGV",
            "abort": "crashed with SIGABRT",
            "stuck": "runner killed by the watchdog",
            "leak": "its memory limit is 1024 MiB",
            "mute": "no answer to create for 1 s: runner killed",
        ]
        var adapters: [String: [String: Any]] = [:]
        try await DemoSite.waitFor(60, "every faulty instance reported and restarted") {
            guard let current = try? await Self.adapters(site) else { return false }  // not listening yet
            adapters = current
            return expected.allSatisfy { id, reason in
                (adapters[id]?["last_error"] as? String)?.contains(reason) == true && (adapters[id]?["restarts"] as? Int ?? 0) >= 1
            }
        }
        #expect(((adapters["flood"]?["published"] as? Int) ?? 0) > 1000, "\(adapters["flood"] ?? [:])")
        // Failed for good (restart policy never): /health names it, with how its runner ended.
        let health = try await HTTP.get(site.admin("/health"))
        #expect(health.status == 503)
        let failed = (try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any])?["failed"] as? [String]
        #expect(failed?.contains("demo/segv-once") == true, "\(health.body)")
        #expect(health.body.contains(#""demo/segv-once":"runner crashed with SIGSEGV (segmentation fault)""#), "\(health.body)")
        #expect(adapters["flood"]?["state"] as? String == "running")
        let metrics = try await HTTP.get(site.admin("/metrics")).body
        #expect(metrics.contains(#"energy_adapter_restarts_total{site="demo",adapter="segv"}"#))
        #expect(metrics.contains(#"energy_adapter_runner_exits_total{site="demo",adapter="segv",reason="SIGSEGV"}"#))
        #expect(metrics.contains(#"energy_adapter_runner_exits_total{site="demo",adapter="abort",reason="SIGABRT"}"#))
        #expect(metrics.contains(#"energy_adapter_runner_exits_total{site="demo",adapter="stuck",reason="watchdog"}"#))
        #expect(metrics.contains(#"energy_adapter_watchdog_trips_total{site="demo",adapter="stuck"}"#))

        // The interruptibility trips on time all the same.
        try await DemoSite.waitFor(40, "the shed command") {
            try site.recordedEvents().contains { $0.kind == .command && $0.topic == "sites/demo/load-controller/commands" }
        }
        let shed = try #require(try site.recordedEvents().first { $0.kind == .command && $0.topic == "sites/demo/load-controller/commands" })
        let tripAfter = Duration.nanoseconds(shed.time.nanosecondsSinceEpoch - launched.nanosecondsSinceEpoch)
        #expect(tripAfter < BlockedAdapterTests.expectedTrip + .seconds(2), "shed \(tripAfter) after the launch")
        #expect(host.isRunning)

        // Killed with SIGKILL, the host leaves no runner behind.
        let runners = Self.runners(of: host.processIdentifier)
        #expect(!runners.isEmpty, "no runner found before the kill")  // flood at least; the others come and go
        kill(host.processIdentifier, SIGKILL)
        await TestSupport.waitForExit(host)
        try await DemoSite.waitFor(5, "the runners to end with the host") { Self.runners(of: host.processIdentifier).isEmpty }
        let log = try String(contentsOfFile: site.logPath, encoding: .utf8)
        #expect(log.contains("adapter runner ended"))
    }

    /// Both ends in runners, a small lossless queue: the emitter is held back by the receiver's
    /// pressure and let go again each time, until every event arrived (a runner told to hold back
    /// once waited for ever: nothing told it the pressure was gone).
    @Test(.timeLimit(.minutes(1))) func backpressureAcrossRunnersHoldsTheEmitterBackAndLetsItGoOn() async throws {
        let directory = try TestSupport.temporaryDirectory()
        let count = 5_000
        let path = try TestSupport.write(#"""
            {"host": {"id": "gw", "data_dir": "data", "admin": {"enabled": false}},
             "sites": [{"id": "b", "adapters": [
               {"id": "emitter", "plugin": "Probe", "config": {"mode": "emit", "rate": 0, "count": \#(count)}, "isolation": "process"},
               {"id": "receiver", "plugin": "Probe", "config": {"mode": "echo", "stream": "echo"}, "isolation": "process",
                "queue_capacity": 64, "subscribe": [{"topic": "sites/b/emitter/probe", "policy": "lossless"}]}
             ]}]}
            """#, to: "adapters.json", in: directory)
        let loaded = try ConfigurationLoader(pluginDirectory: TestSupport.products, runnerExecutable: TestSupport.hostExecutable).load(file: path)
        let runtime = try HostRuntime(loaded: loaded, logger: Logger(label: "test"), runnerExecutable: TestSupport.hostExecutable)
        let group = runtime.makeServiceGroup(signals: [])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await DemoSite.waitFor(45, "\(count) events delivered to the receiver") {
                runtime.statuses.first { $0.id == "receiver" }?.delivered == count
            }
            let emitter = try #require(runtime.statuses.first { $0.id == "emitter" })
            #expect(emitter.published == count)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// A runner that stops answering while idle (SIGSTOP: no call outstanding, so no watchdog) is
    /// found by the host's pings, killed, reported and restarted.
    @Test(.timeLimit(.minutes(1))) func aFrozenIdleRunnerIsKilledAndRestarted() async throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = try TestSupport.write(#"""
            {"host": {"id": "gw", "data_dir": "data", "admin": {"enabled": false}},
             "sites": [{"id": "b", "adapters": [
               {"id": "idle", "plugin": "Probe", "config": {"mode": "echo"}, "isolation": "process", "watchdog_s": 2,
                "restart": {"initial_backoff_ms": 10}, "limits": {"memory_mb": 4096, "open_files": 100}}
             ]}]}
            """#, to: "adapters.json", in: directory)
        let loaded = try ConfigurationLoader(pluginDirectory: TestSupport.products, runnerExecutable: TestSupport.hostExecutable).load(file: path)
        let runtime = try HostRuntime(loaded: loaded, logger: Logger(label: "test"), runnerExecutable: TestSupport.hostExecutable)
        let group = runtime.makeServiceGroup(signals: [])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var runner: Int32?
            try await DemoSite.waitFor(20, "the runner") {
                runner = Self.runners(of: getpid()).first
                return runner != nil && runtime.statuses.first?.state == .running
            }
            let frozen = try #require(runner)
            // The instance's limits are the runner's.
            let limits = (try String(contentsOfFile: "/proc/\(frozen)/limits", encoding: .utf8))
                .split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
            #expect(limits.contains("Max address space 4294967296 4294967296 bytes"), "\(limits)")
            #expect(limits.contains("Max open files 100 100 files"), "\(limits)")
            // A runner slow to start under load may already have been replaced once: count from here.
            let restarts = runtime.statuses.first?.restarts ?? 0
            kill(frozen, SIGSTOP)
            let stopped = ContinuousClock.now
            try await DemoSite.waitFor(20, "the frozen runner replaced") {
                let status = runtime.statuses.first
                return status?.restarts == restarts + 1 && status?.state == .running
            }
            #expect(ContinuousClock.now - stopped < .seconds(8))
            #expect(runtime.statuses.first?.lastError == "no answer for 3 s: runner killed")
            #expect(!Self.runners(of: getpid()).contains(frozen))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// Limits belong to a runner: on an instance in the host's process they are refused by name.
    @Test func limitsWithoutARunnerAreRefused() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = try TestSupport.write(#"""
            {"host": {"id": "gw", "data_dir": "data", "admin": {"enabled": false}},
             "sites": [{"id": "b", "adapters": [{"id": "p", "plugin": "Probe", "limits": {"open_files": 100}}]}]}
            """#, to: "adapters.json", in: directory)
        #expect {
            _ = try ConfigurationLoader(pluginDirectory: TestSupport.products).load(file: path)
        } throws: { error in
            "\(error)".contains(#"sites[0].adapters[0].limits: limits apply to a runner process: set isolation to "process""#)
        }
    }

    /// The TIC and Interruptibility libraries pass the conformance suite in a runner process.
    @Test(.timeLimit(.minutes(1)), arguments: ConformanceTests.cases.filter { ["TIC", "Interruptibility", "CEcho"].contains($0.0) })
    func isolatedAdaptersConform(typeName: String, valid: String, invalid: String) async throws {
        try await AdapterConformance(
            typeName: typeName,
            validConfiguration: valid,
            invalidConfiguration: invalid,
            isolation: .process(runner: TestSupport.hostExecutable)
        ).run()
    }

    /// Libraries whose constructor crashes or exits, or whose entry function hangs, and a schema
    /// pattern that backtracks without end: `plugins` and `validate` report each by name and finish.
    @Test(.timeLimit(.minutes(1))) func librariesThatCrashExitOrHangWhileLoadingAreReported() async throws {
        let libraries = try TestSupport.temporaryDirectory()
        for (name, flags) in [
            ("CSegvCtor", ["-DCECHO_FAULT=12"]), ("CExitCtor", ["-DCECHO_FAULT=13"]), ("CHangEntry", ["-DCECHO_FAULT=14"]),
            ("CBacktrack", ["-DCECHO_CATASTROPHIC_PATTERN"]),
        ] {
            _ = try await TestSupport.buildCAdapter(flags: flags + [#"-DCECHO_TYPE_NAME="\#(name)""#], name: name, in: libraries)
        }
        let expected = [
            "libCSegvCtor.so: refused — unsafe to load: crashed with SIGSEGV (segmentation fault) while loading",
            "libCExitCtor.so: refused — unsafe to load: exited with status 3 while loading",
            "libCHangEntry.so: refused — unsafe to load: no answer in 5 s while loading",
        ]
        var started = ContinuousClock.now
        let plugins = try await TestSupport.run(TestSupport.hostExecutable, ["plugins", "--plugins-dir", libraries.path])
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(plugins.status == 1)
        for line in expected { #expect(plugins.output.contains(line), "\(line) in \(plugins.output)") }
        #expect(plugins.output.contains("CBacktrack 1.0.0"), "\(plugins.output)")

        let config = try TestSupport.write(#"""
            {"host": {"id": "gw"},
             "sites": [{"id": "s1", "adapters": [
                {"id": "segv", "plugin": "CSegvCtor"},
                {"id": "exit", "plugin": "CExitCtor"},
                {"id": "hang", "plugin": "CHangEntry"},
                {"id": "slow", "plugin": "CBacktrack", "config": {"stream": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"}}
             ]}]}
            """#, to: "adapters.json", in: libraries)
        started = ContinuousClock.now
        let validate = try await TestSupport.run(TestSupport.hostExecutable, ["validate", "--config", config, "--plugins-dir", libraries.path])
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(validate.status != 0)
        for (index, reason) in ["crashed with SIGSEGV", "exited with status 3", "no answer in 5 s"].enumerated() {
            #expect(validate.output.contains("sites[0].adapters[\(index)].plugin: unsafe to load: \(reason)"), "\(reason) in \(validate.output)")
        }
        #expect(validate.output.contains("sites[0].adapters[3].config.stream: the schema's pattern ^(a+)+$ did not finish on this value within 1.0 seconds"), "\(validate.output)")
    }

    /// `/adapters` by instance id.
    static func adapters(_ site: DemoSite) async throws -> [String: [String: Any]] {
        let body = try await HTTP.get(site.admin("/adapters")).body
        let document = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let list = document?["adapters"] as? [[String: Any]] ?? []
        return Dictionary(list.map { ($0["id"] as? String ?? "", $0) }) { $1 }
    }

    /// The pids of the runner processes started by the host `pid` that are still alive.
    static func runners(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let candidate = Int32(entry),
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return nil }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard arguments.contains("adapter-runner"), let index = arguments.firstIndex(of: "--parent-pid"),
                index + 1 < arguments.count, arguments[index + 1] == "\(pid)"
            else { return nil }
            // A zombie has exited: only its parent's reaping is missing.
            let status = (try? String(contentsOfFile: "/proc/\(entry)/status", encoding: .utf8)) ?? ""
            return status.contains("State:\tZ") ? nil : candidate
        }
    }
}

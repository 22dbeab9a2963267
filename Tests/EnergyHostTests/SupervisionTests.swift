import AdapterKit
import AdapterKitTesting
import EnergyHost
import Foundation
import Logging
import Synchronization
import Testing

/// A failing adapter is restarted with backoff by its policy while the others keep running; the
/// admin API shows it.
@Suite struct SupervisionTests {
    /// The restart backoff waits on the host's injected clock, not on the real one.
    @Test(.timeLimit(.minutes(1))) func restartBackoffWaitsOnTheInjectedClock() async throws {
        let directory = try TestSupport.temporaryDirectory()
        _ = try await TestSupport.buildCAdapter(flags: ["-DCECHO_FAULT=6"], in: directory)
        let path = try TestSupport.write(#"""
            {"host": {"id": "gw", "data_dir": "data", "admin": {"enabled": false}},
             "sites": [{"id": "s", "adapters": [
                {"id": "flaky", "plugin": "CEcho",
                 "restart": {"policy": "on_failure", "max_restarts": 5, "initial_backoff_ms": 60000, "max_backoff_ms": 60000}}
             ]}]}
            """#, to: "adapters.json", in: directory)
        let loaded = try ConfigurationLoader(pluginDirectory: directory.path).load(file: path)
        let clock = ManualClock()
        let runtime = try HostRuntime(loaded: loaded, logger: Logger(label: "test"), clock: clock)
        let group = runtime.makeServiceGroup(signals: [])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await clock.waitForSleepers(3)  // the memory monitor, the watchdog and the backoff
            #expect(runtime.statuses[0].state == .restarting)
            // A minute of backoff: nothing happens in real time...
            try await Task.sleep(for: .milliseconds(300))
            #expect(runtime.statuses[0].restarts == 0)
            // ...and the restart comes once the injected clock has moved a minute.
            for _ in 0..<1300 where runtime.statuses[0].restarts == 0 {
                try await clock.waitForSleepers(1)
                await clock.advance(by: .milliseconds(50))
            }
            #expect(runtime.statuses[0].restarts == 1)
            #expect(clock.now.offset >= .seconds(60))
            // A shutdown during a backoff does not wait for it.
            try await clock.waitForSleepers(3)
            let shutdown = ContinuousClock.now
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            #expect(ContinuousClock.now - shutdown < .seconds(5))
        }
    }

    @Test(.timeLimit(.minutes(2))) func aFailingAdapterIsRestartedThenGivenUpWhileOthersKeepRunning() async throws {
        let directory = try TestSupport.temporaryDirectory()
        _ = try await TestSupport.buildCAdapter(flags: ["-DCECHO_FAULT=6"], in: directory)
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("libProbe.so").path,
                                                   withDestinationPath: TestSupport.products + "/libProbe.so")
        let path = try TestSupport.write(#"""
            {"host": {"id": "gw", "data_dir": "data", "admin": {"listen": "127.0.0.1:0"}},
             "sites": [{"id": "s", "adapters": [
                {"id": "flaky", "plugin": "CEcho",
                 "restart": {"policy": "on_failure", "max_restarts": 3, "initial_backoff_ms": 20, "max_backoff_ms": 80}},
                {"id": "steady", "plugin": "Probe", "config": {"mode": "emit", "rate": 500}}
             ]}]}
            """#, to: "adapters.json", in: directory)
        let loaded = try ConfigurationLoader(pluginDirectory: directory.path).load(file: path)
        let runtime = try HostRuntime(loaded: loaded, logger: Logger(label: "test"))
        let port = Atomic<Int>(0)
        let group = runtime.makeServiceGroup(signals: []) { port.store($0, ordering: .relaxed) }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let started = ContinuousClock.now
            var flaky = runtime.statuses[0]
            // Generous: while the whole suite starts on 2 cores, one restart can take 2 s.
            while flaky.state != .failed, ContinuousClock.now - started < .seconds(40) {
                try await Task.sleep(for: .milliseconds(20))
                flaky = runtime.statuses[0]
            }
            let elapsed = ContinuousClock.now - started
            #expect(flaky.state == .failed)
            #expect(flaky.restarts == 3)
            #expect(flaky.lastError == "injected failure")
            // Backoff 20 + 40 + 80 ms at least.
            #expect(elapsed >= .milliseconds(140))
            let steady = runtime.statuses[1]
            #expect(steady.state == .running)
            let before = steady.published
            try await Task.sleep(for: .milliseconds(200))
            #expect(runtime.statuses[1].published > before)

            let health = try await HTTP.get("http://127.0.0.1:\(port.load(ordering: .relaxed))/health")
            #expect(health.status == 503)
            #expect(health.body.contains(#""failed":["s/flaky"]"#))
            let metrics = try await HTTP.get("http://127.0.0.1:\(port.load(ordering: .relaxed))/metrics")
            #expect(metrics.body.contains(#"energy_adapter_restarts_total{site="s",adapter="flaky"} 3"#))
            #expect(metrics.body.contains(#"energy_adapter_state{site="s",adapter="flaky",state="failed"} 1.0"#))
            #expect(metrics.body.contains(#"energy_events_published_total{site="s",adapter="steady"}"#))
            let adapters = try await HTTP.get("http://127.0.0.1:\(port.load(ordering: .relaxed))/adapters/s/steady")
            #expect(adapters.status == 200)
            #expect(adapters.body.contains(#""state":"running""#))
            #expect(adapters.body.contains(#""queue_depth":"#))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(runtime.statuses.map(\.state) == [.failed, .stopped])
    }
}

import AdapterKit
import EnergyHost
import Foundation
import Logging
import Synchronization
import Testing

/// The host's resident memory is a metric, and above `host.memory_limit_mb` it raises an alarm and
/// degrades `/health`.
@Suite struct MemoryLimitTests {
    @Test(.timeLimit(.minutes(1))) func memoryAboveTheLimitRaisesAnAlarmAndDegradesHealth() async throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = try TestSupport.write(#"""
            {"host": {"id": "gw", "data_dir": "data", "memory_limit_mb": 1, "admin": {"listen": "127.0.0.1:0"}},
             "sites": [{"id": "s", "adapters": []}]}
            """#, to: "adapters.json", in: directory)
        let loaded = try ConfigurationLoader(pluginDirectory: TestSupport.products).load(file: path)
        let runtime = try HostRuntime(loaded: loaded, logger: Logger(label: "test"))
        let alarms = SubscriberQueue(name: "alarms", capacity: 16)
        runtime.bus.subscribe(alarms, filter: "sites/s/host/alarms", policy: .lossless)
        let port = Atomic<Int>(0)
        let group = runtime.makeServiceGroup(signals: []) { port.store($0, ordering: .relaxed) }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let alarm = try #require(await alarms.next(maxCount: 1)?.first)
            #expect(alarm.source == Event.hostSource)
            let payload = try alarm.decode(EnergyAlarm.self)
            #expect(payload.code == "memory_high" && payload.active && payload.message.contains("host.memory_limit_mb"))
            while port.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(10)) }
            let base = "http://127.0.0.1:\(port.load(ordering: .relaxed))"
            let health = try await HTTP.get(base + "/health")
            #expect(health.status == 503 && health.body.contains(#""memory_over_limit":true"#), "\(health.body)")
            let metrics = try await HTTP.get(base + "/metrics").body
            let resident = metrics.split(separator: "\n").first { $0.hasPrefix("energy_process_resident_memory_bytes ") }
            #expect((resident?.split(separator: " ").last.flatMap { Double($0) } ?? 0) > 1_048_576, "\(resident ?? "no gauge")")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

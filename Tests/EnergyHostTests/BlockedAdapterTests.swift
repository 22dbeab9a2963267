import AdapterKit
import AdapterKitTesting
import Foundation
import Testing

/// C adapters that never return from `deliver` (or from `start`) beside the demo site, through the
/// real `energy-host`: adapter calls run on the instances' own threads, so the blocked ones block
/// only themselves. The demo's interruptibility still trips on time, `/health` answers and names
/// them, the watchdog raises its alarm and counts it, and SIGTERM ends the host within the
/// shutdown timeout, the blocked instances abandoned.
@Suite(.serialized) struct BlockedAdapterTests {
    /// The demo's dip trips about 14.4 s after the host starts (3 s below 49.820 Hz).
    static let expectedTrip = Duration.milliseconds(14_400)

    @Test(.timeLimit(.minutes(2)), arguments: [2, 4])
    func adaptersBlockedInDeliverBlockOnlyThemselves(blockedInDeliver: Int) async throws {
        let libraries = try TestSupport.temporaryDirectory()
        _ = try await TestSupport.buildCAdapter(flags: ["-DCECHO_FAULT=7", #"-DCECHO_TYPE_NAME="CBlockDeliver""#], name: "CBlockDeliver", in: libraries)
        _ = try await TestSupport.buildCAdapter(flags: ["-DCECHO_FAULT=8", #"-DCECHO_TYPE_NAME="CBlockStart""#], name: "CBlockStart", in: libraries)
        let blocked = (1...blockedInDeliver).map { "stuck-\($0)" }
        var extra: [[String: Any]] = blocked.map {
            ["id": $0, "plugin": "CBlockDeliver", "watchdog_s": 1, "subscribe": ["sites/demo/frequency-a/measurements"]]
        }
        extra.append(["id": "stuck-start", "plugin": "CBlockStart", "watchdog_s": 1])
        let site = try DemoSite(extraAdapters: extra)
        let launched = EventTime.now()
        let host = try site.start(pluginsDirectories: [libraries.path])
        defer { if host.isRunning { kill(host.processIdentifier, SIGKILL) } }

        // The watchdog reports every blocked instance; /health answers and names them.
        try await DemoSite.waitFor(20, "/health naming the blocked adapters") {
            guard let health = try? await HTTP.get(site.admin("/health")) else { return false }
            return health.status == 503 && (blocked + ["stuck-start"]).allSatisfy { health.body.contains("\"demo/\($0)\"") }
        }
        let adapters = try await HTTP.get(site.admin("/adapters"))
        #expect(adapters.body.contains(#""id":"stuck-1""#) && adapters.body.contains(#""state":"blocked""#))
        let metrics = try await HTTP.get(site.admin("/metrics")).body
        for id in blocked + ["stuck-start"] {
            #expect(metrics.contains(#"energy_adapter_watchdog_trips_total{site="demo",adapter="\#(id)"} 1"#), "\(id)")
            #expect(metrics.contains(#"energy_adapter_state{site="demo",adapter="\#(id)",state="blocked"} 1"#), "\(id)")
        }

        // The interruptibility trips on time; the recorder keeps recording, alarms included.
        try await DemoSite.waitFor(40, "the shed command") {
            try site.recordedEvents().contains { $0.kind == .command && $0.topic == "sites/demo/load-controller/commands" }
        }
        let events = try site.recordedEvents()
        let shed = try #require(events.first { $0.kind == .command && $0.topic == "sites/demo/load-controller/commands" })
        let tripAfter = Duration.nanoseconds(shed.time.nanosecondsSinceEpoch - launched.nanosecondsSinceEpoch)
        #expect(tripAfter < Self.expectedTrip + .seconds(2), "shed \(tripAfter) after the launch")
        let alarms = try events.filter { $0.topic == "sites/demo/stuck-1/alarms" }.map { try $0.decode(EnergyAlarm.self) }
        #expect(alarms.first?.code == "adapter_blocked" && alarms.first?.active == true)
        #expect(events.first { $0.topic == "sites/demo/stuck-1/alarms" }?.source == Event.hostSource)

        // SIGTERM: the host ends within the shutdown timeout, the blocked instances abandoned.
        let signalled = ContinuousClock.now
        host.terminate()
        while host.isRunning, ContinuousClock.now - signalled < DemoSite.shutdownTimeout + .seconds(10) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let shutdown = ContinuousClock.now - signalled
        #expect(!host.isRunning)
        #expect(shutdown < DemoSite.shutdownTimeout + .milliseconds(1500), "shutdown took \(shutdown)")
        let log = try String(contentsOfFile: site.logPath, encoding: .utf8)
        #expect(log.contains("adapter abandoned at shutdown"))
        #expect(log.contains("host stopped"))
    }
}

import AdapterKit
import EnergyHost
import Foundation
import Synchronization
import Testing

/// Adapter logs reach the host's logger through the ABI, with `site` and `adapter.id` metadata
/// added by the host and the adapter's own fields kept.
@Suite struct LoggingTests {
    /// Records every log line; the host's logger is built on it.
    final class RecordingHandlerStore: Sendable {
        struct Record: Sendable {
            var level: Logger.Level
            var message: String
            var metadata: [String: String]
        }

        let records = Mutex<[Record]>([])
    }

    struct RecordingHandler: LogHandler {
        let store: RecordingHandlerStore
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            if let extra = event.metadata { merged.merge(extra) { $1 } }
            let record = RecordingHandlerStore.Record(
                level: event.level,
                message: "\(event.message)",
                metadata: merged.mapValues { "\($0)" }
            )
            store.records.withLock { $0.append(record) }
        }
    }

    @Test(.timeLimit(.minutes(1))) func adapterLogsCarryTheSiteAndAdapterID() async throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = try TestSupport.write(#"""
            {"host": {"id": "gw", "data_dir": "data", "admin": {"enabled": false}},
             "sites": [{"id": "north", "adapters": [{"id": "echo-1", "plugin": "CEcho"}]}]}
            """#, to: "adapters.json", in: directory)
        let loaded = try ConfigurationLoader(pluginDirectory: TestSupport.products).load(file: path)
        let store = RecordingHandlerStore()
        let logger = Logger(label: "test") { _ in RecordingHandler(store: store) }
        let runtime = try HostRuntime(loaded: loaded, logger: logger)
        let group = runtime.makeServiceGroup(signals: [])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let deadline = ContinuousClock.now + .seconds(10)
            while !store.records.withLock({ $0.contains { $0.message == "echoing delivered events" } }),
                ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(10))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let records = store.records.withLock { $0 }
        // The C adapter's own line, with its field, and the host's identity metadata.
        let echo = try #require(records.first { $0.message == "echoing delivered events" })
        #expect(echo.level == .info)
        #expect(echo.metadata["site"] == "north")
        #expect(echo.metadata["adapter.id"] == "echo-1")
        #expect(echo.metadata["cecho.topic"] == "sites/north/echo-1/echo")
        // The host's own lines about the adapter carry the same identity.
        let started = try #require(records.first { $0.message == "adapter started" })
        #expect(started.metadata["site"] == "north")
        #expect(started.metadata["adapter.id"] == "echo-1")
    }
}

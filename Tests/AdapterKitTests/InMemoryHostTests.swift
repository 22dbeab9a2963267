import AdapterKit
import AdapterKitTesting
import Foundation
import Synchronization
import Testing

/// A test-only adapter: publishes `count` measurements, then returns or (with `linger`) waits for
/// shutdown; records what it is delivered and refuses events of kind `bad`.
private struct Emitter: Adapter {
    struct Configuration: Decodable, Sendable {
        var count: Int
        var stream: String
        var linger: Bool
    }

    static let description = AdapterDescription(
        typeName: "Emitter",
        version: "0.0.1",
        summary: "Publishes a few measurements (tests only).",
        configurationSchema: .object([
            "count": .integer(minimum: 0, default: 3),
            "stream": .string(default: "values", pattern: "^[^/+#]+$"),
            "linger": .boolean(default: false),
        ])
    )

    let configuration: Configuration
    let context: AdapterContext
    let delivered = Deliveries()

    init(configuration: Configuration, context: AdapterContext) throws {
        self.configuration = configuration
        self.context = context
    }

    func run() async throws {
        for index in 0..<configuration.count {
            var measurement = EnergyMeasurement()
            measurement.deviceID = "emitter"
            measurement.values = [EnergyValue(.activePowerImport, Double(index))]
            try await context.publish(measurement, stream: configuration.stream)
        }
        context.logger.info("emitted", metadata: ["emitter.count": "\(configuration.count)"])
        if configuration.linger { try? await gracefulShutdown() }
    }

    func handle(_ event: Event) async throws {
        guard event.kind != "bad" else { throw AdapterError(.invalidEvent, "bad event") }
        delivered.events.withLock { $0.append(event) }
    }

    func publishStatus(topic: String? = nil) async throws {
        var status = EnergyStatus()
        status.available = true
        if let topic {
            try await context.publish(status, topic: topic)
        } else {
            try await context.publish(status, stream: "status")
        }
    }
}

private final class Deliveries: Sendable {
    let events = Mutex<[Event]>([])
}

@Suite struct InMemoryHostTests {
    /// As the host does, a metric outside the adapter type's namespace is refused and said: the
    /// test kit no longer lets through names the real host would drop.
    @Test func metricsOutsideTheTypesNamespaceAreRefusedAsTheHostRefusesThem() throws {
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(Emitter.self, configuration: "{}")
        adapter.context.increment(counter: "emitter_frames_total")
        adapter.context.increment(counter: "frames_total")
        adapter.context.increment(counter: "frames_total")
        adapter.context.report(degraded: true)
        #expect(host.metric("emitter_frames_total") == 1)
        #expect(host.metric("frames_total") == nil)
        #expect(host.metric("health_degraded") == 1)
        #expect(host.logs.filter { $0.level == .warning && $0.message.contains(#""frames_total" does not begin with "emitter_""#) }.count == 1)
    }

    private static let fixed = EventTime(nanosecondsSinceEpoch: 1_768_464_000_000_000_000)

    @Test(.timeLimit(.minutes(1)))
    func publishedEventsGetSourceSequenceTopicAndTime() async throws {
        let host = try InMemoryHost(siteID: "site-a", instanceID: "emit-1", now: { Self.fixed })
        let adapter = try host.makeAdapter(Emitter.self, configuration: #"{"count": 4}"#)
        try await host.run(adapter) { host in
            _ = await host.waitForPublished(count: 4)
        }
        let published = host.published
        #expect(published.count == 4)
        #expect(published.map(\.sequence) == [1, 2, 3, 4])
        #expect(published.allSatisfy { $0.source == "emit-1" })
        #expect(published.allSatisfy { $0.topic == "sites/site-a/emit-1/values" && $0.kind == .measurement })
        #expect(published.allSatisfy { $0.time == Self.fixed })
        let values = try published.map { try $0.decode(EnergyMeasurement.self).value(of: .activePowerImport)?.value }
        #expect(values == [0, 1, 2, 3])
    }

    @Test(.timeLimit(.minutes(1)))
    func publishesAfterRunEndedAreRefused() async throws {
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(Emitter.self, configuration: #"{"count": 1}"#)
        let before = await #expect(throws: AdapterError.self) { try await adapter.publishStatus() }
        #expect(before?.code == .stopped)
        try await host.run(adapter) { host in
            _ = await host.waitForPublished(count: 1)
        }
        let after = await #expect(throws: AdapterError.self) { try await adapter.publishStatus() }
        #expect(after?.code == .stopped)
        #expect(after?.message.contains("under-test is not running") == true)
        #expect(host.published.count == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func whileRunningPublishesAreAcceptedAndInvalidTopicsRefused() async throws {
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(Emitter.self, configuration: #"{"count": 0, "linger": true}"#)
        try await host.run(adapter) { host in
            try await adapter.publishStatus()
            let invalid = await #expect(throws: AdapterError.self) { try await adapter.publishStatus(topic: "sites/+/x") }
            #expect(invalid?.code == .invalidEvent)
            #expect(host.published.count == 1)
        }
        #expect(host.published.map(\.topic) == ["sites/test-site/under-test/status"])
        #expect(host.published.first?.kind == .status)
    }

    @Test(.timeLimit(.minutes(1)))
    func logsAreRecordedWithMetadata() async throws {
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(Emitter.self, configuration: #"{"count": 2}"#)
        try await host.run(adapter) { host in
            _ = await host.waitForPublished(count: 2)
        }
        let record = try #require(host.logs.first { $0.message == "emitted" })
        #expect(record.level == .info)
        #expect(record.metadata["emitter.count"] == "2")
    }

    @Test func makeAdapterValidatesTheConfiguration() throws {
        let host = try InMemoryHost()
        let error = #expect(throws: AdapterError.self) {
            try host.makeAdapter(Emitter.self, configuration: #"{"count": -1, "stream": "a/b"}"#)
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("config.count") == true)
        #expect(error?.message.contains("config.stream") == true)
        let adapter = try host.makeAdapter(Emitter.self, configuration: "{}")
        #expect(adapter.configuration.count == 3)
        #expect(adapter.configuration.stream == "values")
    }

    @Test func contextCarriesIdentityAndAnExistingDataDirectory() throws {
        let host = try InMemoryHost(siteID: "s", instanceID: "i", configurationDirectory: "/etc/energy")
        let context = host.context
        #expect(context.siteID == "s")
        #expect(context.instanceID == "i")
        #expect(context.topic("x") == "sites/s/i/x")
        #expect(context.resolvePath("data.csv") == "/etc/energy/data.csv")
        #expect(context.resolvePath("/abs/data.csv") == "/abs/data.csv")
        #expect(context.dataDirectory == host.dataDirectory)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: host.dataDirectory, isDirectory: &isDirectory))
        #expect(isDirectory.boolValue)
        let other = try InMemoryHost()
        #expect(other.dataDirectory != host.dataDirectory)
    }

    @Test func deliveredBatchesAreHandledInOrderAndFailuresSummed() async throws {
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(Emitter.self, configuration: "{}")
        let events = (1...3).map {
            Event(topic: "sites/test-site/x/y", kind: $0 == 2 ? "bad" : "good", time: Self.fixed, sequence: UInt64($0), payload: [])
        }
        let error = await #expect(throws: AdapterError.self) { try await host.deliver(events, to: adapter) }
        #expect(error?.code == .failed)
        #expect(error?.message.hasPrefix("1 of 3 delivered events failed") == true)
        #expect(adapter.delivered.events.withLock { $0.map(\.sequence) } == [1, 3])
    }
}

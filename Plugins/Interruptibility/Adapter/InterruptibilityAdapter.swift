public import AdapterKit
import AdapterKitHTTPClient
import AdapterKitStorage
import Foundation

/// RTE interruptibility for an HTA site (seed 002): trips when the frequency stays below the
/// threshold for 3 s, sheds the configured loads, holds until an authorised restore, keeps an
/// audit trail in SQLite, and reports to RTE every 2 s over mutual TLS.
public struct InterruptibilityAdapter: Adapter {
    public typealias Configuration = InterruptibilityConfiguration

    /// Declares the `Interruptibility` type, its schema, streams and subscriptions.
    public static let description = AdapterDescription(
        typeName: "Interruptibility",
        version: "1.0.0",
        summary: "RTE interruptibility: under-frequency trip, load shedding until an authorised restore, audit trail, RTE reports over mutual TLS.",
        configurationSchema: InterruptibilityConfiguration.schema,
        publishes: [
            .init(stream: "status", kind: .status),
            .init(stream: "alarms", kind: .alarm),
            .init(stream: "acks", kind: .commandAck),
        ],
        subscriptions: [
            .init(topic: "sites/{site}/+/measurements"),
            .init(topic: "sites/{site}/+/status"),
            .init(topic: "sites/{site}/{adapter}/commands", policy: .lossless),
        ]
    )

    /// The file of the audit trail in the instance's data directory.
    public static let auditFile = "audit.sqlite"

    private let context: AdapterContext
    private let site: SiteController
    private let writer: SerialWriter
    private let reporter: RTEReporter?

    /// Refuses what the schema cannot express: dates, the threshold schedule, point names, a
    /// report timeout at or above the interval, reporting certificates or a key that cannot be read.
    public static func validate(_ configuration: Configuration, in environment: ValidationEnvironment) -> [ConfigurationIssue] {
        let reporting = configuration.reporting.map {
            RTEReporter.clientSettings($0).issues(prefix: "reporting.", resolvePath: environment.resolvePath)
        }
        return configuration.issues() + (reporting ?? [])
    }

    /// Checks the settings and opens the audit trail.
    public init(configuration: Configuration, context: AdapterContext) throws {
        self.context = context
        let audit: AuditTrail
        do {
            audit = try AuditTrail(path: URL(fileURLWithPath: context.dataDirectory).appendingPathComponent(Self.auditFile).path)
        } catch {
            throw AdapterError(.failed, "cannot open the audit trail in \(context.dataDirectory): \(error)")
        }
        writer = SerialWriter()
        let site = try SiteController(configuration: configuration, context: context, audit: audit, writer: writer)
        self.site = site
        reporter = configuration.reporting.map { reporting in
            RTEReporter(
                settings: reporting, reportID: configuration.reportId, context: context,
                snapshot: { site.snapshot }, log: { kind, detail in site.record(kind, detail: detail) }
            )
        }
    }

    /// Announces its state (a trip held across a restart is shed again), then watches for silent
    /// points and reports to RTE until graceful shutdown; the audit writes queued by then are
    /// completed.
    public func run() async throws {
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { [writer, context] in
                await writer.run { error in context.logger.error("audit trail write failed", metadata: ["error": "\(error)"]) }
            }
            do {
                site.start()
                try await cancelWhenGracefulShutdown { [site, context, reporter] in
                    try await withThrowingTaskGroup(of: Void.self) { loops in
                        if let reporter { loops.addTask { await reporter.run() } }
                        while true {
                            try await context.clock.sleep(for: .milliseconds(100))
                            site.tick()
                        }
                    }
                }
            } catch {
                context.logger.debug("interruptibility stopped", metadata: ["reason": "\(error)"])
            }
            site.stop()
            writer.finish()
        }
    }

    /// Takes frequency and power measurements, availability, and commands (restore).
    public func handle(_ event: Event) async throws {
        try site.handle(event)
    }
}

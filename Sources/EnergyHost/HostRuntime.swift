public import AdapterKit
import Foundation
public import Logging
public import ServiceLifecycle
public import UnixSignals

/// The running host: a bus, one supervisor per adapter instance and the admin API, in one
/// `ServiceGroup` that SIGTERM and SIGINT shut down gracefully.
public final class HostRuntime: Sendable {
    /// The configuration it runs.
    public let configuration: HostConfiguration
    /// The bus every instance publishes on and receives from.
    public let bus: EventBus
    /// The metrics the admin API serves.
    public let metrics: HostMetrics
    private let supervisors: [AdapterSupervisor]
    private let memory: MemoryMonitor
    private let logger: Logger
    private let clock: any Clock<Duration>
    private let now: @Sendable () -> EventTime
    /// Every operator's command attempt, accepted or refused.
    public let audit: OperatorAudit

    /// Builds the runtime for a validated configuration; creates the instances' data directories
    /// and opens the operator audit.
    /// - Parameters:
    ///   - clock: the clock of restart backoffs and command timeouts; tests inject a manual one.
    ///   - now: the wall clock stamping operators' commands and the audit.
    ///   - runnerExecutable: the `energy-host` that runs `isolation: "process"` instances (default:
    ///     this executable; a benchmark or test embedding the runtime names the built one).
    public init(
        loaded: ConfigurationLoader.Loaded,
        logger: Logger,
        metrics: HostMetrics = HostMetrics(),
        clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> EventTime = { EventTime.now() },
        runnerExecutable: String = RunnerProcess.currentExecutable
    ) throws {
        self.configuration = loaded.configuration
        self.bus = EventBus()
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
        self.now = now
        self.audit = try OperatorAudit(path: OperatorAudit.path(dataDirectory: loaded.configuration.host.dataDirectory))
        let coordinator = ShutdownCoordinator(parties: loaded.configuration.instances.count)
        let hostAlarms = HostAlarms(bus: bus, now: now, logger: logger)
        var supervisors: [AdapterSupervisor] = []
        for instance in loaded.configuration.instances {
            bus.restrictCommands(to: "sites/\(instance.siteID)/\(instance.id)/commands", senders: Set(instance.acceptCommandsFrom))
            let directory = Self.instanceDataDirectory(root: loaded.configuration.host.dataDirectory, site: instance.siteID, instance: instance.id)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var instanceLogger = logger
            instanceLogger[metadataKey: "site"] = "\(instance.siteID)"
            instanceLogger[metadataKey: "adapter.id"] = "\(instance.id)"
            supervisors.append(
                AdapterSupervisor(
                    configuration: instance,
                    plugin: loaded.plugins[instance.plugin]!,
                    bus: bus,
                    metrics: metrics.adapter(site: instance.siteID, id: instance.id, plugin: instance.plugin),
                    coordinator: coordinator,
                    dataDirectory: directory,
                    configurationDirectory: loaded.configuration.host.configurationDirectory,
                    logLevel: loaded.configuration.host.logLevel,
                    clock: clock,
                    hostAlarms: hostAlarms,
                    runnerExecutable: runnerExecutable,
                    logger: instanceLogger
                )
            )
        }
        self.supervisors = supervisors
        self.memory = MemoryMonitor(
            gauge: metrics.residentMemory,
            limitBytes: loaded.configuration.host.memoryLimit,
            sites: loaded.configuration.sites.map(\.id),
            alarms: hostAlarms,
            clock: clock,
            logger: logger
        )
    }

    /// An instance's data directory: `{data_dir}/{site}/{adapter}`.
    static func instanceDataDirectory(root: String, site: String, instance: String) -> String {
        URL(fileURLWithPath: root).appendingPathComponent(site).appendingPathComponent(instance).path
    }

    /// Every instance's state, in configuration order.
    public var statuses: [AdapterStatus] { supervisors.map(\.status) }

    /// The service group: admin API first (so it is shut down last), then the supervisors.
    /// - Parameters:
    ///   - signals: the signals that start a graceful shutdown.
    ///   - onAdminListening: receives the admin API's bound port.
    public func makeServiceGroup(
        signals: [UnixSignal] = [.sigterm, .sigint],
        onAdminListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> ServiceGroup {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let listen = configuration.host.adminListen {
            let supervisors = self.supervisors
            let admin = AdminServer(
                listen: listen,
                limits: configuration.host.adminLimits,
                hostID: configuration.host.id,
                metrics: metrics,
                statuses: { supervisors.map(\.status) },
                memoryOverLimit: { [memory] in memory.isOverLimit },
                commandRoute: OperatorCommandRoute(
                    operators: configuration.host.operators,
                    commands: OperatorCommands(bus: bus, timeout: configuration.host.commandTimeout, clock: clock, now: now),
                    audit: audit,
                    statuses: { supervisors.map(\.status) },
                    now: now,
                    logger: logger
                ),
                logger: logger,
                onListening: onAdminListening
            )
            services.append(.init(service: AdminService(application: admin.makeApplication(), address: listen)))
        }
        services.append(.init(service: memory))
        services += supervisors.map {
            .init(service: $0, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore)
        }
        var groupConfiguration = ServiceGroupConfiguration(services: services, logger: logger)
        groupConfiguration.gracefulShutdownSignals = signals
        groupConfiguration.maximumGracefulShutdownDuration = configuration.host.shutdownTimeout
        return ServiceGroup(configuration: groupConfiguration)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully.
    public func run() async throws {
        logger.info(
            "host starting",
            metadata: ["host.id": "\(configuration.host.id)", "adapters": "\(supervisors.count)"]
        )
        if let listen = configuration.host.adminListen, !listen.isLoopback {
            logger.warning(
                "the admin API listens beyond this machine without TLS: anyone who reaches it reads the host's state, and operators' tokens cross the network in clear; keep it on loopback or put a TLS proxy in front",
                metadata: ["address": "\(listen)"]
            )
        }
        try await makeServiceGroup { [logger, configuration] port in
            logger.info("admin API listening", metadata: ["address": "\(configuration.host.adminListen?.host ?? ""):\(port)"])
        }.run()
        logger.info("host stopped")
    }
}

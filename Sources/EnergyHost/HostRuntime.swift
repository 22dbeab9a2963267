public import AdapterKit
import Foundation
import Synchronization
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
    let supervisors = SupervisorList()
    private let memory: MemoryMonitor
    let coordinator: ShutdownCoordinator
    private let hostAlarms: HostAlarms
    private let runnerExecutable: String
    let reloader: (@Sendable () throws -> ConfigurationLoader.Loaded)?
    /// The configuration applied last (the initial one, then each reload's).
    let applied: Mutex<HostConfiguration>
    /// The running group, for the supervisors a reload adds; and whether a reload is under way.
    let live = Mutex<(group: ServiceGroup?, reloading: Bool)>((nil, false))
    let logger: Logger
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
    ///   - reloader: loads and validates the configuration again for ``reload()`` (SIGHUP,
    ///     `energy-host ctl reload`); nil when the host cannot reload.
    public init(
        loaded: ConfigurationLoader.Loaded,
        logger: Logger,
        metrics: HostMetrics = HostMetrics(),
        clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> EventTime = { EventTime.now() },
        runnerExecutable: String = RunnerProcess.currentExecutable,
        reloader: (@Sendable () throws -> ConfigurationLoader.Loaded)? = nil
    ) throws {
        self.runnerExecutable = runnerExecutable
        self.reloader = reloader
        self.applied = Mutex(loaded.configuration)
        self.configuration = loaded.configuration
        self.bus = EventBus()
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
        self.now = now
        self.audit = try OperatorAudit(path: OperatorAudit.path(dataDirectory: loaded.configuration.host.dataDirectory))
        self.coordinator = ShutdownCoordinator(parties: loaded.configuration.instances.count)
        self.hostAlarms = HostAlarms(bus: bus, now: now, logger: logger)
        self.memory = MemoryMonitor(
            gauge: metrics.residentMemory,
            limitBytes: loaded.configuration.host.memoryLimit,
            sites: loaded.configuration.sites.map(\.id),
            alarms: hostAlarms,
            clock: clock,
            logger: logger
        )
        for instance in loaded.configuration.instances {
            supervisors.append(try makeSupervisor(instance, plugin: loaded.plugins[instance.plugin]!, host: loaded.configuration.host))
        }
    }

    /// The supervisor of `instance`; creates its data directory and sets who may command it.
    func makeSupervisor(_ instance: AdapterInstanceConfiguration, plugin: LoadedPlugin, host: HostSettings) throws -> AdapterSupervisor {
        bus.restrictCommands(to: "sites/\(instance.siteID)/\(instance.id)/commands", senders: Set(instance.acceptCommandsFrom))
        let directory = Self.instanceDataDirectory(root: host.dataDirectory, site: instance.siteID, instance: instance.id)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var instanceLogger = logger
        instanceLogger[metadataKey: "site"] = "\(instance.siteID)"
        instanceLogger[metadataKey: "adapter.id"] = "\(instance.id)"
        return AdapterSupervisor(
            configuration: instance,
            plugin: plugin,
            bus: bus,
            metrics: metrics.adapter(site: instance.siteID, id: instance.id, plugin: instance.plugin),
            coordinator: coordinator,
            dataDirectory: directory,
            configurationDirectory: host.configurationDirectory,
            logLevel: host.logLevel,
            clock: clock,
            hostAlarms: hostAlarms,
            runnerExecutable: runnerExecutable,
            logger: instanceLogger
        )
    }

    /// An instance's data directory: `{data_dir}/{site}/{adapter}`.
    static func instanceDataDirectory(root: String, site: String, instance: String) -> String {
        URL(fileURLWithPath: root).appendingPathComponent(site).appendingPathComponent(instance).path
    }

    /// Every instance's state, in configuration order.
    public var statuses: [AdapterStatus] { supervisors.all.map(\.status) }

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
            let actions = OperatorActionRoute(
                operators: configuration.host.operators,
                audit: audit,
                reload: { [weak self] in await self?.reload() ?? ReloadReport(refusal: "the host is stopping") },
                restart: { site, id in supervisors.find(site: site, id: id)?.restart() },
                now: now,
                logger: logger
            )
            let admin = AdminServer(
                listen: listen,
                limits: configuration.host.adminLimits,
                hostID: configuration.host.id,
                metrics: metrics,
                statuses: { supervisors.all.map(\.status) },
                memoryOverLimit: { [memory] in memory.isOverLimit },
                commandRoute: OperatorCommandRoute(
                    operators: configuration.host.operators,
                    commands: OperatorCommands(bus: bus, timeout: configuration.host.commandTimeout, clock: clock, now: now),
                    audit: audit,
                    statuses: { supervisors.all.map(\.status) },
                    now: now,
                    logger: logger
                ),
                actions: actions,
                logger: logger,
                onListening: onAdminListening
            )
            services.append(.init(service: AdminService(application: admin.makeApplication(), address: listen)))
        }
        services.append(.init(service: memory))
        services += supervisors.all.map(Self.serviceConfiguration)
        var groupConfiguration = ServiceGroupConfiguration(services: services, logger: logger)
        groupConfiguration.gracefulShutdownSignals = signals
        groupConfiguration.maximumGracefulShutdownDuration = configuration.host.shutdownTimeout
        let group = ServiceGroup(configuration: groupConfiguration)
        live.withLock { $0.group = group }
        return group
    }

    /// A supervisor in the group: its end, whatever it is, never ends the host.
    static func serviceConfiguration(_ supervisor: AdapterSupervisor) -> ServiceGroupConfiguration.ServiceConfiguration {
        .init(service: supervisor, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully.
    public func run() async throws {
        logger.info(
            "host starting",
            metadata: ["host.id": "\(configuration.host.id)", "adapters": "\(supervisors.all.count)"]
        )
        if let listen = configuration.host.adminListen, !listen.isLoopback {
            logger.warning(
                "the admin API listens beyond this machine without TLS: anyone who reaches it reads the host's state, and operators' tokens cross the network in clear; keep it on loopback or put a TLS proxy in front",
                metadata: ["address": "\(listen)"]
            )
        }
        let group = makeServiceGroup { [logger, configuration] port in
            logger.info("admin API listening", metadata: ["address": "\(configuration.host.adminListen?.host ?? ""):\(port)"])
        }
        let hangups = Task { [weak self] in
            for await _ in await UnixSignalsSequence(trapping: .sighup) {
                guard let self else { return }
                _ = await self.reload()
            }
        }
        defer { hangups.cancel() }
        try await group.run()
        logger.info("host stopped")
    }
}

import AdapterKit
import AdapterKitHTTPCore
import Foundation
import Logging

/// Reads adapters.json and validates all of it before anything starts: its own structure, ids,
/// topic filters, secrets, the plugins it names, each instance's `config` against its plugin's
/// schema and, for `energy-host validate`, the adapters' own checks. Every problem is reported,
/// each with its JSON path.
public struct ConfigurationLoader: Sendable {
    /// A configuration ready to run, with the plugins it uses.
    public struct Loaded: Sendable {
        /// The validated configuration, secrets resolved.
        public var configuration: HostConfiguration
        /// The loaded plugins, by the type name adapters.json uses.
        public var plugins: [String: LoadedPlugin]
        /// The loader that opened them, for the configured plugin directories.
        public var pluginLoader: PluginLoader
    }

    private let environment: [String: String]
    private let pluginDirectoryOverride: [String]
    private let checksAdapters: Bool
    private let inspectsLibraries: Bool
    private let runnerExecutable: String

    /// - Parameters:
    ///   - pluginDirectories: override `host.plugin_dirs` (the repeatable `--plugins-dir` option);
    ///     empty keeps the configuration's.
    ///   - environment: where `${NAME}` references are looked up; nil for the process environment.
    ///   - checksAdapters: also asks each instance's adapter to check its configuration (ABI 1.2
    ///     `validate`), as `energy-host validate` does. `run` leaves it to each instance's creation,
    ///     so that one refused instance fails alone while the others run.
    ///   - inspectsLibraries: opens every library in a runner process first, as
    ///     `energy-host validate` does, so that one whose constructor or entry function crashes,
    ///     exits or hangs is reported instead of taking this process with it. Without it, only the
    ///     libraries of `isolation: "process"` instances are inspected.
    ///   - runnerExecutable: the `energy-host` that inspects libraries (default: this executable).
    public init(
        pluginDirectories: [String] = [],
        environment: [String: String]? = nil,
        checksAdapters: Bool = false,
        inspectsLibraries: Bool = false,
        runnerExecutable: String = RunnerProcess.currentExecutable
    ) {
        self.pluginDirectoryOverride = pluginDirectories
        self.environment = environment ?? ProcessInfo.processInfo.environment
        self.checksAdapters = checksAdapters
        self.inspectsLibraries = inspectsLibraries
        self.runnerExecutable = runnerExecutable
    }

    /// A loader searching `pluginDirectory` only (nil keeps the configuration's directories).
    public init(
        pluginDirectory: String?,
        environment: [String: String]? = nil,
        checksAdapters: Bool = false,
        runnerExecutable: String = RunnerProcess.currentExecutable
    ) {
        self.init(
            pluginDirectories: pluginDirectory.map { [$0] } ?? [], environment: environment, checksAdapters: checksAdapters,
            runnerExecutable: runnerExecutable
        )
    }

    /// Loads and validates the file at `path`.
    public func load(file path: String) throws(ConfigurationError) -> Loaded {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, issues: [.init(path: "(file)", message: "cannot be read")])
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(data)
        } catch {
            throw ConfigurationError(file: path, issues: [.init(path: "(file)", message: error.description)])
        }
        let baseDirectory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try load(document: document, file: path, baseDirectory: baseDirectory)
    }

    private func load(document raw: JSONValue, file: String, baseDirectory: String) throws(ConfigurationError) -> Loaded {
        var pass = Pass(
            resolver: SecretResolver(environment: environment, baseDirectory: baseDirectory),
            baseDirectory: baseDirectory
        )
        let schema = HostConfigurationSchema.schema.value
        // `${NAME}` references resolve everywhere first; adapters' `config` objects resolve later,
        // against their plugin's schema (which says what is secret).
        let resolved = pass.resolver.resolve(hostPart(of: raw), schema: schema, at: JSONPath())
        pass.issues = SchemaValidator().validate(resolved, against: schema, at: JSONPath())
        let document = ConfigurationDecoder.applyDefaults(of: schema, to: resolved)
        checkHost(document["host"], pass: &pass)
        let host = pass.typed(ConfigurationDocument.Host.self, document["host"], at: JSONPath().appending("host"))
        // Plugin directories and the data directory come from the document itself, so that adapters
        // are found and check their configuration even when another host setting is wrong.
        let directories = pluginDirectories(document["host"], baseDirectory: baseDirectory)
        let loader = PluginLoader(directories: directories)
        let settings = host.flatMap { hostSettings($0, pluginDirectories: directories, pass: pass) }
        let dataDirectory = document["host"]?["data_dir"]?.stringValue.map { absolute($0, baseDirectory: baseDirectory) }
        var plugins: [String: LoadedPlugin] = [:]
        var sites: [SiteConfiguration] = []
        var siteIDs: Set<String> = []
        let rawSites = raw["sites"]?.arrayValue ?? []
        for (siteIndex, siteValue) in (document["sites"]?.arrayValue ?? []).enumerated() {
            let sitePath = JSONPath().appending("sites").appending(siteIndex)
            guard let siteID = siteValue["id"]?.stringValue else { continue }
            if !siteIDs.insert(siteID).inserted {
                pass.issues.append(JSONIssue(path: sitePath.appending("id"), message: "duplicate site id \"\(siteID)\""))
            }
            var adapters: [AdapterInstanceConfiguration] = []
            var adapterIDs: Set<String> = []
            let rawAdapters = rawSites[siteIndex]["adapters"]?.arrayValue ?? []
            for (index, entry) in (siteValue["adapters"]?.arrayValue ?? []).enumerated() {
                let path = sitePath.appending("adapters").appending(index)
                guard let instance = pass.typed(ConfigurationDocument.Instance.self, entry, at: path) else { continue }
                if !adapterIDs.insert(instance.id).inserted {
                    pass.issues.append(JSONIssue(path: path.appending("id"), message: "duplicate adapter id \"\(instance.id)\" in site \(siteID)"))
                }
                if instance.id == Event.operatorSource {
                    pass.issues.append(JSONIssue(path: path.appending("id"), message: "\"\(instance.id)\" is reserved for operators' commands"))
                }
                if instance.id == Event.hostSource {
                    pass.issues.append(JSONIssue(path: path.appending("id"), message: "\"\(instance.id)\" is reserved for the host's own alarms"))
                }
                var plugin = plugins[instance.plugin]
                if plugin == nil {
                    do {
                        let inspector = inspectsLibraries || instance.isolation == .process ? runnerExecutable : nil
                        plugin = try loader.load(typeName: instance.plugin, inspectingWith: inspector)
                        plugins[instance.plugin] = plugin
                    } catch {
                        pass.issues.append(JSONIssue(path: path.appending("plugin"), message: "\(error.code): \(error.message)"))
                    }
                }
                adapters.append(instanceConfiguration(
                    instance, rawConfig: rawAdapters[index]["config"], siteID: siteID, plugin: plugin,
                    dataDirectory: dataDirectory, path: path, pass: &pass
                ))
            }
            for (index, adapter) in adapters.enumerated() {
                for (position, sender) in adapter.acceptCommandsFrom.enumerated() where !adapterIDs.contains(sender) {
                    pass.issues.append(JSONIssue(
                        path: sitePath.appending("adapters").appending(index).appending("accept_commands_from").appending(position),
                        message: "no adapter \"\(sender)\" in site \(siteID)"
                    ))
                }
            }
            sites.append(SiteConfiguration(id: siteID, name: siteValue["name"]?.stringValue, adapters: adapters))
        }
        let reported = pass.report()
        guard reported.isEmpty, let settings else {
            throw ConfigurationError(file: file, issues: reported)
        }
        return Loaded(configuration: HostConfiguration(host: settings, sites: sites), plugins: plugins, pluginLoader: loader)
    }

    /// The document without the adapters' `config` objects, which resolve against their schemas.
    private func hostPart(of document: JSONValue) -> JSONValue {
        guard case .object(var members) = document, let sites = members["sites"]?.arrayValue else { return document }
        members["sites"] = .array(sites.map { site in
            guard case .object(var siteMembers) = site, let adapters = siteMembers["adapters"]?.arrayValue else { return site }
            siteMembers["adapters"] = .array(adapters.map { adapter in
                guard case .object(var adapterMembers) = adapter else { return adapter }
                adapterMembers["config"] = nil
                return .object(adapterMembers)
            })
            return .object(siteMembers)
        })
        return .object(members)
    }

    /// The override, else `plugin_dirs` (or `plugin_dir`), then the executable's directory.
    private func pluginDirectories(_ host: JSONValue?, baseDirectory: String) -> [String] {
        let listed = (host?["plugin_dirs"]?.arrayValue?.compactMap(\.stringValue) ?? []) + (host?["plugin_dir"]?.stringValue.map { [$0] } ?? [])
        let configured = pluginDirectoryOverride.isEmpty ? listed.map { absolute($0, baseDirectory: baseDirectory) } : pluginDirectoryOverride
        return configured + (configured.contains(PluginLoader.executableDirectory) ? [] : [PluginLoader.executableDirectory])
    }

    private func absolute(_ path: String, baseDirectory: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardized.path
    }

    /// The host's rules beyond its schema, checked even where another host setting is wrong.
    private func checkHost(_ host: JSONValue?, pass: inout Pass) {
        let hostPath = JSONPath().appending("host")
        let admin = host?["admin"]
        if admin?["enabled"]?.boolValue != false, let listen = admin?["listen"]?.stringValue {
            switch ListenAddress.parse(listen) {
            case .success(let address): pass.listen = address
            case .failure(let problem):
                pass.issues.append(JSONIssue(path: hostPath.appending("admin").appending("listen"), message: "\"\(listen)\": \(problem.reason)"))
            }
        }
        var names: Set<String> = []
        var tokens: [String: Int] = [:]
        for (index, entry) in (admin?["operators"]?.arrayValue ?? []).enumerated() {
            let path = hostPath.appending("admin").appending("operators").appending(index)
            // The token is what identifies the operator in the audit: one per operator.
            if let token = entry["token"]?.stringValue {
                if let first = tokens[token] {
                    pass.adapterIssues.append(ConfigurationError.Issue(
                        path: path.appending("token").description,
                        message: "the same token as operators[\(first)]: each operator needs a token of their own (commands record who sent them)"
                    ))
                } else {
                    tokens[token] = index
                }
            }
            guard let name = entry["name"]?.stringValue, !names.insert(name).inserted else { continue }
            pass.issues.append(JSONIssue(path: path.appending("name"), message: "operator \"\(name)\" is named twice"))
        }
        if host?["plugin_dir"] != nil, host?["plugin_dirs"] != nil {
            pass.issues.append(JSONIssue(path: hostPath.appending("plugin_dir"), message: "give plugin_dir or plugin_dirs, not both"))
        }
    }

    /// The host's settings, once ``checkHost(_:pass:)`` found them valid.
    private func hostSettings(_ host: ConfigurationDocument.Host, pluginDirectories: [String], pass: Pass) -> HostSettings? {
        let listen = host.admin.enabled ? pass.listen : nil
        if host.admin.enabled && listen == nil { return nil }
        return HostSettings(
            id: host.id,
            dataDirectory: absolute(host.dataDir, baseDirectory: pass.baseDirectory),
            pluginDirectories: pluginDirectories,
            adminListen: listen,
            operators: (host.admin.operators ?? []).map { AdminOperator(name: $0.name, token: $0.token) },
            commandTimeout: host.admin.commandTimeoutS.duration,
            adminLimits: HTTPConnectionLimits(idleTimeout: host.admin.idleTimeoutS.duration, maximumConnections: host.admin.maxConnections),
            logLevel: host.logLevel,
            memoryLimit: host.memoryLimitMb.map { $0 * 1_048_576 },
            shutdownTimeout: host.shutdownTimeoutS.duration,
            configurationDirectory: pass.baseDirectory
        )
    }

    private func instanceConfiguration(
        _ instance: ConfigurationDocument.Instance,
        rawConfig: JSONValue?,
        siteID: String,
        plugin: LoadedPlugin?,
        dataDirectory: String?,
        path: JSONPath,
        pass: inout Pass
    ) -> AdapterInstanceConfiguration {
        let configPath = path.appending("config")
        var config = rawConfig ?? .object([:])
        if let plugin {
            config = pass.resolver.resolve(config, schema: plugin.manifest.configSchema, at: configPath)
            let schemaIssues = SchemaValidator().validate(config, against: plugin.manifest.configSchema, at: configPath)
            pass.issues += schemaIssues
            if checksAdapters, schemaIssues.isEmpty, let dataDirectory {
                let environment = ValidationEnvironment(
                    siteID: siteID,
                    instanceID: instance.id,
                    dataDirectory: HostRuntime.instanceDataDirectory(root: dataDirectory, site: siteID, instance: instance.id),
                    configurationDirectory: pass.baseDirectory
                )
                for issue in plugin.validate(configJSON: config.jsonText, environment: environment) {
                    let location = issue.path.isEmpty ? configPath.description : "\(configPath).\(issue.path)"
                    pass.adapterIssues.append(.init(path: location, message: issue.message))
                }
            }
        }
        var subscriptions: [SubscriptionConfiguration]?
        if let list = instance.subscribe {
            subscriptions = []
            for (index, item) in list.enumerated() {
                if let problem = Topic.problem(in: item.topic, isFilter: true) {
                    let itemPath = path.appending("subscribe").appending(index)
                    pass.issues.append(JSONIssue(path: item.isObject ? itemPath.appending("topic") : itemPath, message: "\"\(item.topic)\": \(problem)"))
                    continue
                }
                subscriptions?.append(.init(topic: item.topic, policy: item.policy ?? SubscriptionConfiguration.defaultPolicy(for: item.topic)))
            }
        }
        let restart = instance.restart
        if restart.maxBackoffMs < restart.initialBackoffMs {
            pass.issues.append(JSONIssue(
                path: path.appending("restart").appending("max_backoff_ms"),
                message: "\(restart.maxBackoffMs.milliseconds) is below initial_backoff_ms (\(restart.initialBackoffMs.milliseconds))"
            ))
        }
        if instance.limits != nil && instance.isolation != .process {
            pass.issues.append(JSONIssue(
                path: path.appending("limits"),
                message: "limits apply to a runner process: set isolation to \"process\""
            ))
        }
        return AdapterInstanceConfiguration(
            id: instance.id,
            siteID: siteID,
            plugin: instance.plugin,
            config: config,
            subscriptions: subscriptions,
            queueCapacity: instance.queueCapacity,
            acceptCommandsFrom: instance.acceptCommandsFrom ?? [],
            watchdog: instance.watchdogS.duration,
            restart: RestartPolicy(
                mode: restart.policy,
                maxRestarts: restart.maxRestarts,
                initialBackoff: restart.initialBackoffMs.duration,
                maxBackoff: restart.maxBackoffMs.duration
            ),
            isolation: instance.isolation,
            limits: RunnerLimits(memoryMB: instance.limits?.memoryMb, openFiles: instance.limits?.openFiles),
            path: path.description
        )
    }
}

/// The state of one loading pass: the secrets resolver and every problem found so far.
private struct Pass {
    var resolver: SecretResolver
    let baseDirectory: String
    var issues: [JSONIssue] = []
    /// The admin API's address, once parsed.
    var listen: ListenAddress?
    /// Verdicts that never show a value, reported as they are: the adapters' own, and the host's
    /// checks on secrets; already placed at their full path.
    var adapterIssues: [ConfigurationError.Issue] = []

    /// `value` decoded as `type`, unless the schema found a problem inside it (already reported).
    mutating func typed<T: Decodable>(_ type: T.Type, _ value: JSONValue?, at path: JSONPath) -> T? {
        guard let value, !issues.contains(where: { $0.path.components.starts(with: path.components) }) else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: Data(value.jsonText.utf8))
        } catch let error as DecodingError {
            let issue = ConfigurationDecoder.issue(of: error, under: path)
            issues.append(JSONIssue(path: issue.path, message: issue.message))
            return nil
        } catch {
            issues.append(JSONIssue(path: path, message: "cannot be read"))
            return nil
        }
    }

    /// Every problem, in a form to print. A value the resolver could not resolve is reported
    /// once, by the resolver; schema messages about secret values never show the value.
    func report() -> [ConfigurationError.Issue] {
        let unresolved = Set(resolver.issues.map(\.path))
        let secretPaths = resolver.secretPaths
        return issues.filter { !unresolved.contains($0.path) }.map { issue in
            ConfigurationError.Issue(
                path: issue.path.description,
                message: secretPaths.contains(issue.path) ? "secret value rejected by the schema (value not shown)" : issue.message
            )
        } + resolver.issues.map { ConfigurationError.Issue(path: $0.path.description, message: $0.message) } + adapterIssues
    }
}

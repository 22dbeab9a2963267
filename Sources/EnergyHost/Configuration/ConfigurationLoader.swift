import AdapterKit
import Foundation
import Logging

/// Reads adapters.json and validates all of it before anything starts: its own structure, ids,
/// topic filters, secrets, the plugins it names and each instance's `config` against its plugin's
/// schema. Every problem is reported, each with its JSON path.
public struct ConfigurationLoader: Sendable {
    /// A configuration ready to run, with the plugins it uses.
    public struct Loaded: Sendable {
        /// The validated configuration, secrets resolved.
        public var configuration: HostConfiguration
        /// The loaded plugins, by the type name adapters.json uses.
        public var plugins: [String: LoadedPlugin]
        /// The loader that opened them, for the configured plugin directory.
        public var pluginLoader: PluginLoader
    }

    private let environment: [String: String]
    private let pluginDirectoryOverride: String?

    /// - Parameters:
    ///   - pluginDirectory: overrides `host.plugin_dir` (the `--plugins-dir` option).
    ///   - environment: where `${NAME}` references are looked up; nil for the process environment.
    public init(pluginDirectory: String? = nil, environment: [String: String]? = nil) {
        self.pluginDirectoryOverride = pluginDirectory
        self.environment = environment ?? ProcessInfo.processInfo.environment
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
        var resolver = SecretResolver(environment: environment, baseDirectory: baseDirectory)
        // `${NAME}` references resolve everywhere first; adapters' `config` objects resolve later,
        // against their plugin's schema (which says what is secret).
        let document = resolver.resolve(hostPart(of: raw), schema: HostConfigurationSchema.schema.value, at: JSONPath())
        var issues = SchemaValidator().validate(document, against: HostConfigurationSchema.schema.value, at: JSONPath())
        let settings = hostSettings(document["host"], baseDirectory: baseDirectory, issues: &issues)
        let loader = PluginLoader(directory: pluginDirectory(document["host"], baseDirectory: baseDirectory))
        var plugins: [String: LoadedPlugin] = [:]
        var sites: [SiteConfiguration] = []
        var siteIDs: Set<String> = []
        let rawSites = raw["sites"]?.arrayValue ?? []
        for (siteIndex, site) in (document["sites"]?.arrayValue ?? []).enumerated() {
            let sitePath = JSONPath().appending("sites").appending(siteIndex)
            guard let siteID = site["id"]?.stringValue else { continue }
            if !siteIDs.insert(siteID).inserted {
                issues.append(JSONIssue(path: sitePath.appending("id"), message: "duplicate site id \"\(siteID)\""))
            }
            var adapters: [AdapterInstanceConfiguration] = []
            var adapterIDs: Set<String> = []
            let rawAdapters = rawSites[siteIndex]["adapters"]?.arrayValue ?? []
            for (index, entry) in (site["adapters"]?.arrayValue ?? []).enumerated() {
                let path = sitePath.appending("adapters").appending(index)
                let rawConfig = rawAdapters[index]["config"]
                guard let id = entry["id"]?.stringValue, let pluginName = entry["plugin"]?.stringValue else { continue }
                if !adapterIDs.insert(id).inserted {
                    issues.append(JSONIssue(path: path.appending("id"), message: "duplicate adapter id \"\(id)\" in site \(siteID)"))
                }
                if id == Event.operatorSource {
                    issues.append(JSONIssue(path: path.appending("id"), message: "\"\(id)\" is reserved for operators' commands"))
                }
                var plugin = plugins[pluginName]
                if plugin == nil {
                    do {
                        plugin = try loader.load(typeName: pluginName)
                        plugins[pluginName] = plugin
                    } catch {
                        issues.append(JSONIssue(path: path.appending("plugin"), message: "\(error.code): \(error.message)"))
                    }
                }
                let instance = instanceConfiguration(
                    entry, rawConfig: rawConfig, id: id, siteID: siteID, plugin: plugin, pluginName: pluginName,
                    path: path, resolver: &resolver, issues: &issues
                )
                adapters.append(instance)
            }
            sites.append(SiteConfiguration(id: siteID, name: site["name"]?.stringValue, adapters: adapters))
        }
        // A value the resolver could not resolve is reported once, by the resolver; schema
        // messages about secret values never show the value.
        let unresolved = Set(resolver.issues.map(\.path))
        let secretPaths = resolver.secretPaths
        let reported = issues.filter { !unresolved.contains($0.path) }.map { issue in
            ConfigurationError.Issue(
                path: issue.path.description,
                message: secretPaths.contains(issue.path) ? "secret value rejected by the schema (value not shown)" : issue.message
            )
        } + resolver.issues.map { ConfigurationError.Issue(path: $0.path.description, message: $0.message) }
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

    private func pluginDirectory(_ host: JSONValue?, baseDirectory: String) -> String {
        if let pluginDirectoryOverride { return pluginDirectoryOverride }
        guard let directory = host?["plugin_dir"]?.stringValue else { return PluginLoader.executableDirectory }
        return absolute(directory, baseDirectory: baseDirectory)
    }

    private func absolute(_ path: String, baseDirectory: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardized.path
    }

    private func hostSettings(_ host: JSONValue?, baseDirectory: String, issues: inout [JSONIssue]) -> HostSettings? {
        guard let host, let id = host["id"]?.stringValue else { return nil }
        let hostPath = JSONPath().appending("host")
        var listen: ListenAddress?
        if host["admin"]?["enabled"]?.boolValue != false {
            let text = host["admin"]?["listen"]?.stringValue ?? "127.0.0.1:9480"
            listen = ListenAddress(text)
            if listen == nil {
                issues.append(JSONIssue(path: hostPath.appending("admin").appending("listen"), message: "\"\(text)\" is not host:port"))
            }
        }
        var operators: [AdminOperator] = []
        for (index, entry) in (host["admin"]?["operators"]?.arrayValue ?? []).enumerated() {
            guard let name = entry["name"]?.stringValue, let token = entry["token"]?.stringValue else { continue }
            if operators.contains(where: { $0.name == name }) {
                issues.append(JSONIssue(path: hostPath.appending("admin").appending("operators").appending(index).appending("name"), message: "operator \"\(name)\" is named twice"))
            }
            operators.append(AdminOperator(name: name, token: token))
        }
        let commandTimeout = min(max(host["admin"]?["command_timeout_s"]?.numberValue ?? 10, 0.1), 300)
        let level = host["log_level"]?.stringValue.flatMap(Logger.Level.init(rawValue:)) ?? .info
        let timeout = min(max(host["shutdown_timeout_s"]?.numberValue ?? 10, 0.1), 600)
        return HostSettings(
            id: id,
            dataDirectory: absolute(host["data_dir"]?.stringValue ?? "./data", baseDirectory: baseDirectory),
            pluginDirectory: host["plugin_dir"]?.stringValue.map { absolute($0, baseDirectory: baseDirectory) },
            adminListen: listen,
            operators: operators,
            commandTimeout: .milliseconds(Int64(commandTimeout * 1000)),
            logLevel: level,
            shutdownTimeout: .milliseconds(Int64(timeout * 1000)),
            configurationDirectory: baseDirectory
        )
    }

    private func instanceConfiguration(
        _ entry: JSONValue,
        rawConfig: JSONValue?,
        id: String,
        siteID: String,
        plugin: LoadedPlugin?,
        pluginName: String,
        path: JSONPath,
        resolver: inout SecretResolver,
        issues: inout [JSONIssue]
    ) -> AdapterInstanceConfiguration {
        let configPath = path.appending("config")
        var config = rawConfig ?? .object([:])
        if let plugin {
            config = resolver.resolve(config, schema: plugin.manifest.configSchema, at: configPath)
            issues += SchemaValidator().validate(config, against: plugin.manifest.configSchema, at: configPath)
        }
        var subscriptions: [SubscriptionConfiguration]?
        if let list = entry["subscribe"]?.arrayValue {
            subscriptions = []
            for (index, item) in list.enumerated() {
                let itemPath = path.appending("subscribe").appending(index)
                guard let topic = item.stringValue ?? item["topic"]?.stringValue else { continue }
                if let problem = Topic.problem(in: topic, isFilter: true) {
                    issues.append(JSONIssue(path: item.stringValue == nil ? itemPath.appending("topic") : itemPath, message: "\"\(topic)\": \(problem)"))
                    continue
                }
                let policy = item["policy"]?.stringValue.flatMap(DeliveryPolicy.init(rawValue:))
                subscriptions?.append(.init(topic: topic, policy: policy ?? SubscriptionConfiguration.defaultPolicy(for: topic)))
            }
        }
        let restart = entry["restart"]
        let defaults = RestartPolicy.default
        return AdapterInstanceConfiguration(
            id: id,
            siteID: siteID,
            plugin: pluginName,
            config: config,
            subscriptions: subscriptions,
            queueCapacity: entry["queue_capacity"]?.intValue.map { max(1, $0) } ?? 1024,
            restart: RestartPolicy(
                mode: restart?["policy"]?.stringValue.flatMap(RestartPolicy.Mode.init(rawValue:)) ?? defaults.mode,
                maxRestarts: restart?["max_restarts"]?.intValue ?? defaults.maxRestarts,
                initialBackoff: restart?["initial_backoff_ms"]?.intValue.map { .milliseconds($0) } ?? defaults.initialBackoff,
                maxBackoff: restart?["max_backoff_ms"]?.intValue.map { .milliseconds($0) } ?? defaults.maxBackoff
            ),
            path: path.description
        )
    }
}

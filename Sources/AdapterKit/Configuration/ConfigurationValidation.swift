/// Where an instance would run, as its configuration is checked: what a validation may look at
/// (files it names, the directory it would write to) without creating anything.
public struct ValidationEnvironment: Sendable {
    /// The site the instance belongs to.
    public var siteID: String
    /// The instance id.
    public var instanceID: String
    /// The instance's data directory; it may not exist yet (the host creates it before `create`).
    public var dataDirectory: String
    /// The directory of the host's configuration file.
    public var configurationDirectory: String

    /// Creates an environment.
    public init(siteID: String, instanceID: String, dataDirectory: String, configurationDirectory: String) {
        self.siteID = siteID
        self.instanceID = instanceID
        self.dataDirectory = dataDirectory
        self.configurationDirectory = configurationDirectory
    }

    /// `path` as an absolute path: relative paths resolve against the configuration's directory.
    public func resolvePath(_ path: String) -> String {
        ConfigurationPaths.resolve(path, against: configurationDirectory)
    }
}

/// One problem with an instance's configuration that its schema cannot express (a file that
/// cannot be read, two settings that contradict each other).
public struct ConfigurationIssue: Sendable, Hashable, CustomStringConvertible {
    /// The JSON path inside the instance's `config` object: `file`, `reporting.timeout_s`,
    /// `points[1].name`; empty for the whole object.
    public var path: String
    /// What is wrong, naming the value when it helps (`cannot open demo/x.csv: No such file`).
    public var message: String

    /// Creates an issue at `path` (relative to `config`).
    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// `config.<path>: <message>`, as the host reports it inside the instance (the message alone
    /// for the whole object).
    public var description: String { path.isEmpty ? message : "config.\(path): \(message)" }
}

/// Path helpers shared by the validation environment and the adapter context.
package enum ConfigurationPaths {
    /// `path` made absolute against `directory` when relative.
    package static func resolve(_ path: String, against directory: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }
}

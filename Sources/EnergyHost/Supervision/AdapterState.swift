/// Where an adapter instance is in its life, as the admin API and metrics show it.
public enum AdapterState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Being created or started.
    case starting
    case running
    /// Waiting for its backoff before a restart.
    case restarting
    /// Gave up after too many consecutive failures, or failed with restarts disabled.
    case failed
    /// Graceful shutdown in progress.
    case stopping
    /// Ended cleanly (its run returned) or shut down.
    case stopped
}

/// A snapshot of one instance for the admin API.
public struct AdapterStatus: Sendable, Codable, Equatable {
    public var site: String
    public var id: String
    public var plugin: String
    public var version: String
    public var state: AdapterState
    public var restarts: Int
    public var lastError: String?
    public var published: Int
    public var delivered: Int
    public var dropped: Int
    public var queueDepth: Int
    public var subscriptions: [String]
}

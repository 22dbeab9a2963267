/// Where an adapter instance is in its life, as the admin API and metrics show it.
public enum AdapterState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Being created or started.
    case starting
    /// Started: its run is in progress.
    case running
    /// A call into it (its start, or a delivery) has not completed within its watchdog deadline;
    /// it goes back to its previous state when the call completes.
    case blocked
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
    /// The site id.
    public var site: String
    /// The instance id, unique in its site.
    public var id: String
    /// The adapter type name (adapters.json's `plugin`).
    public var plugin: String
    /// The version of the loaded adapter.
    public var version: String
    /// Where the instance is in its life.
    public var state: AdapterState
    /// Restarts since the host started.
    public var restarts: Int
    /// The message of the last failure, if any.
    public var lastError: String?
    /// Whether the instance reports it cannot do its job although it runs.
    public var degraded: Bool
    /// Events the bus accepted from it since the host started.
    public var published: Int
    /// Events it handled since the host started.
    public var delivered: Int
    /// Events dropped from its queue since the host started.
    public var dropped: Int
    /// Events waiting in its queue.
    public var queueDepth: Int
    /// Its subscriptions, each as `filter (policy)`.
    public var subscriptions: [String]
}

public import ServiceLifecycle

/// A protocol adapter: one instance per entry of adapters.json, loaded by the host from a library.
///
/// Conformance contract:
/// - ``validate(_:in:)`` checks what the schema cannot (files that must exist, settings that
///   contradict each other). `energy-host validate` calls it for every instance, and the host
///   calls it again before ``init(configuration:context:)``, which then never sees a
///   configuration it refused. An instance refused there is marked `failed` at once, never
///   restarted.
/// - ``init(configuration:context:)`` receives a configuration already validated against
///   ``description``'s schema, decoded, and accepted by ``validate(_:in:)``. Throwing an
///   ``AdapterError`` with ``AdapterError/Code/invalidConfiguration`` there also marks the instance
///   `failed` without a restart; any other error is transient (restarted with backoff). Do no I/O
///   that can block for long there.
/// - `run()` (from `Service`) does the adapter's work until graceful shutdown is triggered
///   (use `withGracefulShutdownHandler`, `cancelOnGracefulShutdown()` or `gracefulShutdown()`),
///   then returns after flushing its state. Returning early ends the adapter (cleanly);
///   throwing marks it failed and the host restarts it by its restart policy.
/// - ``handle(_:)`` receives the events the instance subscribed to, one at a time, in order,
///   concurrently with `run()`. It may be called after `run()` returned, while the host drains the
///   queue at shutdown. An error thrown there is logged; the adapter keeps running.
/// - Publish only through ``AdapterContext``; the host refuses events once `run()` has returned.
/// - Never create loggers or bootstrap process globals: use ``AdapterContext/logger``.
public protocol Adapter: Service {
    /// The typed configuration, decoded from the instance's `config` object (snake_case keys).
    associatedtype Configuration: Decodable & Sendable

    /// What the host shows and checks before loading an instance.
    static var description: AdapterDescription { get }

    /// Every problem with `configuration` that the schema cannot express; empty when it is fine.
    /// Must not create, write or connect to anything. The default finds none.
    static func validate(_ configuration: Configuration, in environment: ValidationEnvironment) -> [ConfigurationIssue]

    /// Creates an instance from its validated configuration.
    init(configuration: Configuration, context: AdapterContext) throws

    /// Handles one delivered event.
    func handle(_ event: Event) async throws

    /// Handles a batch of delivered events, in order. The default calls ``handle(_:)`` for each,
    /// then throws one error summing up those that failed; implement it to amortize work over a
    /// batch (one write per batch, one transaction...).
    func handle(batch events: [Event]) async throws
}

extension Adapter {
    /// Finds no problem: the schema says everything about the configuration.
    public static func validate(_ configuration: Configuration, in environment: ValidationEnvironment) -> [ConfigurationIssue] {
        []
    }

    /// Ignores delivered events: adapters that only publish need not implement it.
    public func handle(_ event: Event) async throws {}

    /// Calls ``handle(_:)`` for each event in order, then throws one ``AdapterError`` summing up the failures.
    public func handle(batch events: [Event]) async throws {
        var failures: [String] = []
        for event in events {
            do {
                try await handle(event)
            } catch {
                failures.append("\(event.kind) on \(event.topic): \(error)")
            }
        }
        guard let first = failures.first else { return }
        throw AdapterError(.failed, "\(failures.count) of \(events.count) delivered events failed; first: \(first)")
    }
}

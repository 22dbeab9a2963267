package import AdapterKit

/// How an instance's run ended.
package enum AdapterRunOutcome: Sendable, Equatable {
    case stopped
    /// A failure worth a restart.
    case failed(String)
    /// The adapter refused its configuration: restarting it as is cannot help.
    case invalidConfiguration(String)
}

/// How a delivery went.
package enum AdapterDeliveryResult: Sendable, Equatable {
    /// The instance handled the batch.
    case delivered
    /// The instance refused the batch (not running any more, or its process ended): it was not
    /// handled.
    case refused
    /// The caller stopped waiting while the batch was in flight (shutdown deadline, or the
    /// instance was abandoned).
    case abandoned
}

/// One live adapter instance as its supervisor drives it: in the host's process
/// (``PluginInstance``) or in a runner process of its own (``ProcessInstance``).
package protocol AdapterInstance: AnyObject, Sendable {
    /// The start and deliveries not completed yet: the watchdog's view.
    var outstanding: OutstandingCalls { get }
    /// Whether the library's start was called (and accepted): only then may it receive batches.
    var hasStarted: Bool { get }
    /// Starts the instance; false when it did not start (stop came first, the library refused, the
    /// instance was abandoned). Deliver only after a true.
    func start() async -> Bool
    /// Waits until the started instance's run ends; cancellation asks it to stop.
    func waitUntilStopped() async -> AdapterRunOutcome
    /// Asks the instance to stop gracefully; returns at once.
    func stop()
    /// Delivers a batch and waits until the instance handled it (or refused it, or the wait was
    /// abandoned: on cancellation too when `abandonOnCancel`).
    func deliver(_ events: [Event], abandonOnCancel: Bool) async -> AdapterDeliveryResult
    /// Gives up on the instance: every wait under way or to come returns at once.
    func abandon()
    /// Releases the instance once its run ended and no call is outstanding.
    func destroy()
    /// The watchdog found a call late: an isolated instance's process is killed (its run then
    /// fails with `reason`); an instance in the host's process can only be reported.
    func callOverdue(_ reason: String)
}

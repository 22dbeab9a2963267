package import AdapterKit
package import Logging

/// What an instance's calls to the host services reach: the bus side of a configured instance
/// (``InstanceSource``) in the host, or the link to the host in a runner process.
package protocol InstanceServices: AnyObject, Sendable {
    /// The instance's id within its site.
    var instanceID: String { get }
    /// The id of its site.
    var siteID: String { get }
    /// The logger the instance's log lines go to.
    var logger: Logger { get }
    /// Whether publishes are accepted: between start and run-done.
    var isRunning: Bool { get set }
    /// Stamps and routes an event from the instance.
    func publish(_ event: Event) -> PublishOutcome
    /// True when the instance may publish again after a backpressure answer.
    func isPublishReady() -> Bool
    /// Records a metric sample of the instance.
    func record(_ sample: MetricSample)
}

extension AdapterInstance {
    /// Delivers a batch and waits until the instance handled it, whatever the caller's
    /// cancellation.
    package func deliver(_ events: [Event]) async -> AdapterDeliveryResult {
        await deliver(events, abandonOnCancel: false)
    }
}

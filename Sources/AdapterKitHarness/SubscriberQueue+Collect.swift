public import AdapterKit
public import EnergyHost

extension SubscriberQueue {
    /// Waits until at least `count` events are queued or `timeout` passed, then takes every queued
    /// event (for tests observing the bus through ``PluginHarness/observe(_:capacity:policy:)``).
    public func collect(count: Int, timeout: Duration = .seconds(10)) async -> [Event] {
        let deadline = ContinuousClock.now + timeout
        while statistics.depth < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        guard statistics.depth > 0 else { return [] }
        return await next(maxCount: .max) ?? []
    }
}

import AdapterKit
import EnergyHost
import Logging

/// The host side of a publisher in the bus benchmark, without the C ABI: the host's own
/// publishing path (``InstanceSource``: sequence stamping, routing, lossless pressure), seen by
/// an ``AdapterContext`` whose `publish` waits on backpressure as every adapter's does.
struct BusLink: HostLink {
    let source: InstanceSource

    func publish(_ event: Event) -> PublishOutcome { source.publish(event) }
    func isPublishReady() -> Bool { source.isPublishReady() }
    func log(level: Logger.Level, message: String, metadata: [(String, String)]) {}
    func record(_ sample: MetricSample) {}
}

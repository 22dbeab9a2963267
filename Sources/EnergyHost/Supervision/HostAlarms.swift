import AdapterKit
import Logging
import Synchronization

/// The alarms the host raises itself about an adapter instance (a call blocked past its watchdog
/// deadline): published on the instance's `sites/{site}/{adapter}/alarms` stream from source
/// `host` (``Event/hostSource``), each raised once and cleared once.
final class HostAlarms: Sendable {
    private struct State {
        var alarms = AlarmSet()
        var sequence: UInt64 = 0
    }

    private let bus: EventBus
    private let now: @Sendable () -> EventTime
    private let logger: Logger
    private let state = Mutex(State())

    init(bus: EventBus, now: @escaping @Sendable () -> EventTime, logger: Logger) {
        self.bus = bus
        self.now = now
        self.logger = logger
    }

    /// Raises `code` about `adapter` of `site`, unless it is raised already at this severity.
    func raise(_ code: String, site: String, adapter: String, severity: AlarmSeverity, _ message: String) {
        publish(site: site, adapter: adapter) { $0.raise(code, for: "\(site)/\(adapter)", severity: severity, message) }
    }

    /// Clears `code` about `adapter` of `site`, if raised.
    func clear(_ code: String, site: String, adapter: String, _ message: String) {
        publish(site: site, adapter: adapter) { $0.clear(code, for: "\(site)/\(adapter)", message) }
    }

    private func publish(site: String, adapter: String, _ change: (inout AlarmSet) -> EnergyAlarm?) {
        let time = now()
        state.withLock { state in
            guard let alarm = change(&state.alarms) else { return }
            do {
                var event = try Event(topic: "sites/\(site)/\(adapter)/alarms", payload: alarm, time: time)
                event.source = Event.hostSource
                state.sequence += 1
                event.sequence = state.sequence
                _ = bus.publish(event)
            } catch {
                logger.error("could not encode the host's alarm", metadata: ["code": "\(alarm.code)", "error": "\(error)"])
            }
        }
    }
}

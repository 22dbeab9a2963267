import AdapterKit
import AdapterKitHTTPClient

/// Fetches a signal periodically and publishes its tariff signals: at start, then every
/// `interval` (never more often than the APIs' quota of one call per 15 minutes, the schema's
/// minimum). A 429 waits its `Retry-After` (at least the interval); a failure is logged and
/// raises `alarmCode` until a fetch succeeds again.
struct SignalPoller: Sendable {
    /// What it is called in logs and alarms (`supplier signal`, `EcoWatt signal`).
    var name: String
    var alarmCode: String
    var interval: Duration
    /// One fetch: the signals, or the failure.
    var fetch: @Sendable () async throws -> [EnergyTariffSignal]

    /// Polls until cancelled, publishing on `tariffs`.
    func run(context: AdapterContext) async {
        var alarms = AlarmSet()
        while !Task.isCancelled {
            var wait = interval
            do {
                let signals = try await fetch()
                for signal in signals { try await context.publish(signal, stream: "tariffs") }
                context.logger.info("\(name) received", metadata: ["flexready.signals": "\(signals.count)"])
                if let cleared = alarms.clear(alarmCode, "the \(name) is received again") { context.publishAlarm(cleared) }
            } catch is CancellationError {
                return
            } catch {
                if case HTTPFailure.rateLimited(_, let retryAfter)? = error as? HTTPFailure, let retryAfter, retryAfter > wait { wait = retryAfter }
                context.logger.error("\(name) not received", metadata: ["error": "\(error)"])
                if let raised = alarms.raise(alarmCode, severity: .warning, "the \(name) is not received: \(error)") { context.publishAlarm(raised) }
            }
            do { try await context.clock.sleep(for: wait) } catch { return }
        }
    }
}

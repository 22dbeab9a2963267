import AdapterKit
import AdapterKitHTTPClient

/// Fetches a signal periodically and publishes its tariff signals: at start, then every
/// `interval` (never more often than the APIs' quota of one call per 15 minutes, the schema's
/// minimum). After a failure the next try comes 15 minutes later (or at the interval, when
/// shorter), later when a 429 says so in `Retry-After`; a failure is logged and raises
/// `alarmCode` until a fetch succeeds again.
struct SignalPoller: Sendable {
    /// What it is called in logs and alarms (`supplier signal`, `EcoWatt signal`).
    var name: String
    var alarmCode: String
    var interval: Duration
    /// One fetch: the signals, or the failure.
    var fetch: @Sendable () async throws -> [EnergyTariffSignal]

    /// The quota of the supplier's and EcoWatt's APIs: one call per 15 minutes.
    static let quota = Duration.seconds(15 * 60)

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
            } catch {
                let failure = (error as? HTTPFailure) ?? (error as? OAuth2ClientCredentials.Failure)?.underlying
                if error is CancellationError || failure == .cancelled || Task.isCancelled { return }
                wait = min(interval, Self.quota)
                if case .rateLimited(_, let retryAfter)? = failure, let retryAfter, retryAfter > wait { wait = retryAfter }
                context.logger.error("\(name) not received", metadata: ["error": "\(error)"])
                if let raised = alarms.raise(alarmCode, severity: .warning, "the \(name) is not received: \(error)") { context.publishAlarm(raised) }
            }
            do { try await context.clock.sleep(for: wait) } catch { return }
        }
    }
}

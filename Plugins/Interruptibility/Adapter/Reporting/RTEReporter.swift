import AdapterKit
import AdapterKitHTTPClient
import AdapterKitSchedules
import Foundation

/// Reports the site to RTE every 2 s (seed §2.7): `POST /api/data` over mutual TLS with the
/// client certificate, to a server whose certificate chains to the pinned CA.
///
/// One keep-alive connection; requests never overlap (each times out before the next slot); a
/// missed slot is skipped, never sent late (no backfill). A report's `timestamp` is its slot's
/// time. Two reports never reach RTE less than half the interval (1 s) apart: a slow answer delays
/// the next request. After a transport failure the next slot connects afresh (the HTTP client's
/// fresh pool), so the first slot after an outage goes through. A 400 is logged, alarmed and not sent
/// again; consecutive failures raise an alarm, cleared by the next success. The client
/// certificate's expiry is alarmed 30 and 7 days ahead.
final class RTEReporter: Sendable {
    private let settings: InterruptibilityConfiguration.Reporting
    private let reportID: String
    private let context: AdapterContext
    private let snapshot: @Sendable () -> SiteController.Snapshot
    private let log: @Sendable (String, String) -> Void

    /// Keeps what it needs; opens nothing (the client lives in ``run()``).
    init(
        settings: InterruptibilityConfiguration.Reporting, reportID: String, context: AdapterContext,
        snapshot: @escaping @Sendable () -> SiteController.Snapshot, log: @escaping @Sendable (String, String) -> Void
    ) {
        self.settings = settings
        self.reportID = reportID
        self.context = context
        self.snapshot = snapshot
        self.log = log
    }

    /// The HTTP client's settings: mutual TLS with the client certificate, the pinned CA, one
    /// keep-alive connection, the request timeout under the interval.
    static func clientSettings(_ settings: InterruptibilityConfiguration.Reporting) -> HTTPClientSettings {
        HTTPClientSettings(
            baseURL: settings.url,
            connectTimeout: settings.timeoutS.duration,
            requestTimeout: settings.timeoutS.duration,
            trust: .pinned(caFile: settings.caCertificate),  // the system's roots are not trusted
            trustKey: "ca_certificate",
            identity: .init(certificateFile: settings.clientCertificate, privateKeyPEM: settings.clientKey),
            maximumConnections: 1
        )
    }

    /// Reports at the cadence until cancelled, then closes the connection. The first report
    /// waits a fraction of the interval fixed by the site's id, so that sites started together
    /// (100 on one gateway) do not all open their TLS connection at the same instant.
    /// Never throws: a client that cannot be built (a certificate removed since validation) is
    /// alarmed, and the rest of the adapter, the trip path first, goes on.
    func run() async {
        do {
            try await HTTPClientResource.run(Self.clientSettings(settings), resolvePath: context.resolvePath, now: { [context] in context.now().date }) { client in
                await report(with: client, clock: context.clock)
            }
        } catch {
            context.logger.error("no reports to RTE", metadata: ["error": "\(error)"])
            publish(EnergyAlarm(code: "reporting_failed", severity: .critical, message: "no reports to RTE: \(error)", active: true))
            log("reporting_failed", "\(error)")
        }
    }

    private func report<C: Clock<Duration>>(with client: HTTPClientResource, clock: C) async {
        let interval = settings.intervalS.duration
        let cadence = FixedCadence(interval: interval, startingAt: clock.now.advanced(by: interval * Self.phase(of: reportID)))
        let spacing = interval / 2
        var failures = 0
        var alarms = AlarmSet()
        var lastEnd: C.Instant?
        try? await cadence.run(on: clock) { slot in
            // The previous request reached RTE before it ended: keep the next one `spacing` after.
            if let lastEnd, clock.now < lastEnd.advanced(by: spacing) { try await clock.sleep(until: lastEnd.advanced(by: spacing), tolerance: nil) }
            let slotTime = EventTime(sinceEpoch: context.now().sinceEpoch - slot.duration(to: clock.now))
            checkExpiry(client.certificateExpiry, alarms: &alarms)
            await send(with: client, at: slotTime, failures: &failures, alarms: &alarms)
            lastEnd = clock.now
        }
    }

    /// A fraction in [0, 1) fixed by `id` (FNV-1a): the phase of the site's reports in the interval.
    static func phase(of id: String) -> Double {
        let hash = id.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
        return Double(hash % 1000) / 1000
    }

    private func send(with client: HTTPClientResource, at slotTime: EventTime, failures: inout Int, alarms: inout AlarmSet) async {
        let body = RTEReportBody(id: reportID, time: slotTime, snapshot: snapshot())
        let outcome: String
        do {
            _ = try await client.send(.json("POST", body: Array(try body.encoded())))
            outcome = "ok"
            publish(alarms.clear("reporting_failed", "reports to RTE go through again after \(failures) failures"))
            failures = 0
        } catch HTTPFailure.clientError(let answer) where answer.status == 400 {
            // The data is refused: sending it again would not help.
            outcome = "rejected"
            context.logger.error("RTE refused a report", metadata: ["answer": "\(answer.text)", "timestamp": "\(body.timestamp)"])
            // Each refusal is its own event: raised every time, never cleared.
            publish(EnergyAlarm(code: "report_rejected", severity: .warning, message: "RTE refused the report of \(body.timestamp): \(answer.text)", active: true))
            log("report_rejected", "\(body.timestamp): \(answer.text)")
        } catch HTTPFailure.cancelled {
            return  // a shutdown, not a failure of RTE's
        } catch {
            outcome = "failed"
            failed("\(error)", failures: &failures, alarms: &alarms)
        }
        context.increment(counter: "interruptibility_reports_total", labels: ["result": outcome])
    }

    private func failed(_ reason: String, failures: inout Int, alarms: inout AlarmSet) {
        failures += 1
        context.logger.warning("report to RTE failed", metadata: ["reason": "\(reason)", "consecutive": "\(failures)"])
        guard failures >= settings.failuresBeforeAlarm,
            let raised = alarms.raise("reporting_failed", severity: .critical, "\(failures) consecutive reports to RTE failed; last: \(reason)")
        else { return }
        publish(raised)
        log("reporting_failed", "\(failures) consecutive failures; last: \(reason)")
    }

    /// Raises the expiry alarm when the certificate enters the last 30 or 7 days (once per level).
    private func checkExpiry(_ expiry: Date?, alarms: inout AlarmSet) {
        guard let certificateExpiry = expiry else { return }
        let days = certificateExpiry.timeIntervalSince(context.now().date) / 86_400
        guard let level: AlarmSeverity = days <= 7 ? .critical : days <= 30 ? .warning : nil else { return }
        let message = days <= 0
            ? "the RTE client certificate expired on \(EventTime(certificateExpiry))"
            : "the RTE client certificate expires on \(EventTime(certificateExpiry)), in \(Int(days.rounded(.up))) days"
        guard let raised = alarms.raise("certificate_expiry", severity: level, message) else { return }
        publish(raised)
        log("certificate_expiry", message)
    }

    private func publish(_ alarm: EnergyAlarm?) {
        if let alarm { context.publishAlarm(alarm) }
    }
}

import AdapterKit
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// Reports the site to RTE every 2 s (seed §2.7): `POST /api/data` over mutual TLS with the
/// client certificate, to a server whose certificate chains to the pinned CA.
///
/// One keep-alive connection; requests never overlap (each times out before the next slot); a
/// missed slot is skipped, never sent late (no backfill). A 400 is logged, alarmed and not sent
/// again; consecutive failures raise an alarm, cleared by the next success. The client
/// certificate's expiry is alarmed 30 and 7 days ahead.
final class RTEReporter: Sendable {
    private let settings: InterruptibilityConfiguration.Reporting
    private let reportID: String
    private let context: AdapterContext
    private let snapshot: @Sendable () -> SiteController.Snapshot
    private let log: @Sendable (String, String) -> Void
    private let client: HTTPClient
    private let certificateExpiry: Date
    private let timeout: TimeAmount

    /// Reads the certificates and key; throws an ``AdapterError`` naming the one that is wrong.
    init(
        settings: InterruptibilityConfiguration.Reporting, reportID: String, context: AdapterContext,
        snapshot: @escaping @Sendable () -> SiteController.Snapshot, log: @escaping @Sendable (String, String) -> Void
    ) throws {
        self.settings = settings
        self.reportID = reportID
        self.context = context
        self.snapshot = snapshot
        self.log = log
        func load<T>(_ what: String, _ body: () throws -> T) throws -> T {
            do { return try body() } catch { throw AdapterError(.invalidConfiguration, "config.reporting.\(what): \(error)") }
        }
        let certificates = try load("client_certificate") { try NIOSSLCertificate.fromPEMFile(context.resolvePath(settings.clientCertificate)) }
        let key = try load("client_key") { try NIOSSLPrivateKey(bytes: Array(settings.clientKey.utf8), format: .pem) }
        let authorities = try load("ca_certificate") { try NIOSSLCertificate.fromPEMFile(context.resolvePath(settings.caCertificate)) }
        guard let leaf = certificates.first else { throw AdapterError(.invalidConfiguration, "config.reporting.client_certificate: no certificate in the file") }
        certificateExpiry = Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter))
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateChain = certificates.map { .certificate($0) }
        tls.privateKey = .privateKey(key)
        tls.trustRoots = .certificates(authorities)  // pinned: the system's roots are not trusted
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 1)
        timeout = TimeAmount.nanoseconds(Int64(settings.timeoutS.seconds * 1e9))
        configuration.timeout = .init(connect: timeout, read: timeout)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Reports at the cadence until cancelled, then closes the connection. The first report
    /// waits a fraction of the interval fixed by the site's id, so that sites started together
    /// (100 on one gateway) do not all open their TLS connection at the same instant.
    func run() async {
        let clock = ContinuousClock()
        let interval = settings.intervalS.duration
        var next = clock.now.advanced(by: interval * Self.phase(of: reportID))
        var failures = 0
        var lastExpiryLevel: String?
        while !Task.isCancelled {
            do { try await clock.sleep(until: next) } catch { break }
            lastExpiryLevel = checkExpiry(alreadyRaised: lastExpiryLevel)
            await send(failures: &failures)
            next = next.advanced(by: interval)
            while next <= clock.now { next = next.advanced(by: interval) }  // a missed slot is skipped
        }
        try? await client.shutdown()
    }

    /// A fraction in [0, 1) fixed by `id` (FNV-1a): the phase of the site's reports in the interval.
    static func phase(of id: String) -> Double {
        let hash = id.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
        return Double(hash % 1000) / 1000
    }

    private func send(failures: inout Int) async {
        let body = RTEReportBody(id: reportID, time: context.now(), snapshot: snapshot())
        var request = HTTPClientRequest(url: settings.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        let outcome: String
        do {
            request.body = .bytes(ByteBuffer(bytes: try body.encoded()))
            let response = try await client.execute(request, timeout: timeout)
            let answer = String(buffer: try await response.body.collect(upTo: 64 * 1024))
            switch response.status.code {
            case 200..<300:
                outcome = "ok"
                if failures >= settings.failuresBeforeAlarm {
                    alarm("reporting_failed", severity: "info", "reports to RTE go through again after \(failures) failures", active: false)
                }
                failures = 0
            case 400:
                // The data is refused: sending it again would not help.
                outcome = "rejected"
                context.logger.error("RTE refused a report", metadata: ["answer": "\(answer)", "timestamp": "\(body.timestamp)"])
                alarm("report_rejected", severity: "warning", "RTE refused the report of \(body.timestamp): \(answer)", active: true)
                log("report_rejected", "\(body.timestamp): \(answer)")
            default:
                outcome = "failed"
                failed("HTTP \(response.status.code): \(answer)", failures: &failures)
            }
        } catch {
            outcome = "failed"
            failed("\(error)", failures: &failures)
        }
        context.increment(counter: "interruptibility_reports_total", labels: ["result": outcome])
    }

    private func failed(_ reason: String, failures: inout Int) {
        failures += 1
        context.logger.warning("report to RTE failed", metadata: ["reason": "\(reason)", "consecutive": "\(failures)"])
        if failures == settings.failuresBeforeAlarm {
            alarm("reporting_failed", severity: "critical", "\(failures) consecutive reports to RTE failed; last: \(reason)", active: true)
            log("reporting_failed", "\(failures) consecutive failures; last: \(reason)")
        }
    }

    /// Raises the expiry alarm when the certificate enters the last 30 or 7 days (once per level).
    private func checkExpiry(alreadyRaised: String?) -> String? {
        let days = certificateExpiry.timeIntervalSince(context.now().date) / 86_400
        let level: String? = days <= 7 ? "critical" : days <= 30 ? "warning" : nil
        guard let level, level != alreadyRaised else { return level }
        let message = days <= 0
            ? "the RTE client certificate expired on \(EventTime(certificateExpiry))"
            : "the RTE client certificate expires on \(EventTime(certificateExpiry)), in \(Int(days.rounded(.up))) days"
        alarm("certificate_expiry", severity: level, message, active: true)
        log("certificate_expiry", message)
        return level
    }

    private func alarm(_ code: String, severity: String, _ message: String, active: Bool) {
        context.publishAlarm(code, severity: severity, message, active: active)
    }
}

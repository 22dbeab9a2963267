import AdapterKit
import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization

/// Watches the host process's resident memory: the gauge `energy_process_resident_memory_bytes`,
/// and, with `host.memory_limit_mb`, the critical alarm `memory_high` (on every site's
/// `sites/{site}/host/alarms`) and a degraded `/health` while the memory is above the limit,
/// cleared below 90 % of it. Checks at start, then every `interval` on the injected clock.
final class MemoryMonitor: Service, Sendable {
    private let gauge: Gauge
    private let limit: Int?
    private let sites: [String]
    private let alarms: HostAlarms
    private let clock: any Clock<Duration>
    private let interval: Duration
    private let logger: Logger
    private let overLimit = Atomic<Bool>(false)

    init(
        gauge: Gauge,
        limitBytes: Int?,
        sites: [String],
        alarms: HostAlarms,
        clock: any Clock<Duration>,
        interval: Duration = .seconds(5),
        logger: Logger
    ) {
        self.gauge = gauge
        self.limit = limitBytes
        self.sites = sites
        self.alarms = alarms
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    /// Whether the resident memory was above the limit at the last check (and not yet back under 90 %).
    var isOverLimit: Bool { overLimit.load(ordering: .relaxed) }

    func run() async throws {
        repeat {
            check()
        } while (try? await cancelWhenGracefulShutdown { try await self.clock.sleep(for: self.interval) }) != nil
    }

    private func check() {
        guard let resident = Self.residentBytes() else { return }
        gauge.set(to: Double(resident))
        guard let limit else { return }
        let wasOver = isOverLimit
        let over = wasOver ? resident * 10 > limit * 9 : resident > limit
        guard over != wasOver else { return }
        overLimit.store(over, ordering: .relaxed)
        let megabytes = { (bytes: Int) in "\(bytes / 1_048_576) MB" }
        if over {
            let message = "resident memory \(megabytes(resident)) above host.memory_limit_mb (\(megabytes(limit)))"
            logger.error("memory above the limit", metadata: ["resident_bytes": "\(resident)", "limit_bytes": "\(limit)"])
            for site in sites { alarms.raise(Self.alarm, site: site, adapter: Event.hostSource, severity: .critical, message) }
        } else {
            let message = "resident memory \(megabytes(resident)) back under 90 % of the limit"
            logger.notice("memory back under the limit", metadata: ["resident_bytes": "\(resident)"])
            for site in sites { alarms.clear(Self.alarm, site: site, adapter: Event.hostSource, message) }
        }
    }

    /// The code of the alarm raised above the limit.
    static let alarm = "memory_high"

    /// The process's resident set size, from /proc/self/statm; nil where it cannot be read.
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

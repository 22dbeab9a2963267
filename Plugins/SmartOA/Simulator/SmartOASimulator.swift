import AdapterKitHTTPCore
public import AdapterKitHTTPServer
public import Foundation
public import Hummingbird
public import Logging
import Synchronization

/// The Smart OA platform (EDF OA curtailment orders) as the adapter assumes it: contracts,
/// curtailment orders revised over time, acknowledgements, over HTTPS with a bearer token. For
/// tests, driven in-process, and for the demo (`energy-sim smartoa serve`). Endpoints, statuses
/// and the order of the checks: `Plugins/SmartOA/Simulator/README.md`.
///
/// Everything is in memory; the record of what clients sent can also go to a JSON Lines file
/// (``SmartOAScenario/Options/recordFile``). Faults are injected with the methods below, and
/// take effect on the next API requests (the `/_simulator` routes are never affected).
public final class SmartOASimulator: Sendable {
    struct State: Sendable {
        var platform: SmartOAPlatform
        var faults = SmartOAFaults()
        var acknowledgementLog: [SmartOAAcknowledgementRecord] = []
        var requestLog: [SmartOARequestRecord] = []
    }

    let state: Mutex<State>
    let now: @Sendable () -> Date
    let recordFile: SmartOARecordFile?
    let declaredAddresses: Set<String>
    /// When the simulator started: relative times of the scenario count from it.
    public let startedAt: Date
    /// The largest page served: a larger `size` is cut to it.
    public let maxPageSize: Int

    /// A platform holding `scenario`, started at `now()`; throws when the scenario is inconsistent
    /// or its record file cannot be written.
    public init(scenario: SmartOAScenario, now: @escaping @Sendable () -> Date = { Date() }) throws {
        let startedAt = now()
        let maxPageSize = scenario.options?.maxPageSize ?? 100
        guard maxPageSize >= 1 else { throw SmartOAScenarioError("options.max_page_size must be at least 1") }
        state = Mutex(State(platform: try SmartOAPlatform(scenario: scenario, startedAt: startedAt)))
        self.now = now
        self.startedAt = startedAt
        self.maxPageSize = maxPageSize
        declaredAddresses = Set(scenario.options?.declaredAddresses ?? [])
        recordFile = try scenario.options?.recordFile.map(SmartOARecordFile.init(path:))
    }

    /// Server settings for the simulator: TLS with `certificate` and `privateKey` (PEM files, no
    /// client certificate), bodies up to 64 KiB, and up to 1024 connections (every client keeps
    /// one open; the server block's default of 64 would lock fleets of accounts out).
    public static func serverSettings(host: String = "127.0.0.1", port: Int, certificate: String, privateKey: String) -> HTTPServerSettings {
        HTTPServerSettings(
            host: host, port: port, tls: .init(certificateFile: certificate, privateKeyFile: privateKey),
            maximumBodySize: 64 * 1024, limits: HTTPConnectionLimits(maximumConnections: 1024)
        )
    }

    /// The application serving the API (a `Service`); `onListening` receives the bound port.
    public func makeApplication(
        settings: HTTPServerSettings, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        try HTTPServerApplication.make(
            router: makeRouter(bodyLimit: settings.maximumBodySize), settings: settings, name: "smartoa", logger: logger,
            onListening: onListening
        )
    }

    // MARK: Changes at run time

    /// Publishes `revision`, visible at once; returns its version. Throws for an unknown contract,
    /// a window that ends before it starts, a value other than 0 or 1, or a version that does not grow.
    @discardableResult
    public func publish(revision: SmartOARevision) throws -> Int {
        let now = now()
        return try state.withLock { try $0.platform.publish(revision, at: now) }
    }

    /// Cancels the order: a new version with the latest window and value, status `CANCELLED`,
    /// visible at once; returns its version. Throws for an unknown order.
    @discardableResult
    public func cancel(curtailmentId: String) throws -> Int {
        let now = now()
        return try state.withLock { try $0.platform.cancel(curtailmentId, at: now) }
    }

    /// Adds `contract` (or replaces the one with its id) and lets the account of `token` see it.
    /// Throws for an unknown token.
    public func addContract(_ contract: SmartOAContract, forToken token: String) throws {
        try state.withLock { state in
            guard state.platform.accounts[token] != nil else { throw SmartOAScenarioError("unknown token") }
            try state.platform.addContract(contract)
            state.platform.accounts[token]?.contracts.insert(contract.contractId)
        }
    }

    /// Marks the token expired (every call answered 401) or valid again.
    public func setExpired(token: String, _ expired: Bool) {
        state.withLock { $0.platform.accounts[token]?.expired = expired }
    }

    // MARK: Faults

    /// Answers the next `count` API requests with `status` (500, 503...), with `Retry-After:
    /// retryAfter` seconds when given. Queued after the faults already pending.
    public func failNext(_ count: Int, status: Int = 503, retryAfter: Int? = nil) {
        queue(.fail(status: status, retryAfter: retryAfter), count)
    }

    /// Answers the next `count` API requests 429 with `Retry-After: retryAfter` seconds. Queued
    /// after the faults already pending.
    public func rateLimitNext(_ count: Int, retryAfter: Int) {
        queue(.rateLimit(retryAfter: retryAfter), count)
    }

    /// Closes the connection of the next `count` API requests without answering. Queued after the
    /// faults already pending.
    public func resetNext(_ count: Int) {
        queue(.reset, count)
    }

    /// While true, every API request is answered 403 `{"error": "address not declared"}`.
    public func forbidAll(_ forbidden: Bool) {
        state.withLock { $0.faults.forbidAll = forbidden }
    }

    /// Delays the answer to each `POST /acknowledgements` by `duration`, after it was recorded
    /// (and stored when accepted); nil answers at once again.
    public func holdAcknowledgements(for duration: Duration?) {
        state.withLock { $0.faults.acknowledgementHold = duration }
    }

    /// Answers each `POST /acknowledgements` with `status` (503...) without storing it (its
    /// record has the outcome `refused`); nil accepts them again.
    public func refuseAcknowledgements(status: Int?) {
        state.withLock { $0.faults.acknowledgementRefusal = status }
    }

    private func queue(_ fault: SmartOAFaults.Fault, _ count: Int) {
        state.withLock { $0.faults.pending += Array(repeating: fault, count: max(count, 0)) }
    }

    // MARK: Record

    /// Every `POST /acknowledgements` that passed the address, fault and token checks, in order of arrival.
    public func acknowledgements() -> [SmartOAAcknowledgementRecord] {
        state.withLock { $0.acknowledgementLog }
    }

    /// Every API request, in the order their answers were given.
    public func requests() -> [SmartOARequestRecord] {
        state.withLock { $0.requestLog }
    }

    func record(_ acknowledgement: SmartOAAcknowledgementRecord) {
        state.withLock { $0.acknowledgementLog.append(acknowledgement) }
        recordFile?.append(acknowledgement, type: "acknowledgement")
    }

    func record(_ request: SmartOARequestRecord) {
        state.withLock { $0.requestLog.append(request) }
        recordFile?.append(request, type: "request")
    }
}

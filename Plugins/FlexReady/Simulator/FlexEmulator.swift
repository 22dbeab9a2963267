import AdapterKit
package import EnergyFlexReady
import Foundation
import JWTKit

/// The Flex Ready® emulator (the référentiel's Annex 1): accounts and their tokens, test sessions,
/// the BACS interface answered from the emulator's data set (one BACS per session, so sessions do
/// not see each other's requests), the checks made in each session and their report.
package actor FlexEmulator {
    /// How the emulator runs.
    package struct Settings: Sendable {
        /// Accounts: user name → password.
        package var accounts: [String: String]
        /// Where each session's requests are stored (SQLite files) and the data set's means.
        package var dataDirectory: String
        /// The emulated time at start: the emulator's clock runs from it (the data set's day,
        /// 2025-04-02, at 09:00 GMT by default, so that its potentials lie ahead).
        package var clockStart: FlexTime
        /// How long the tested BACS has to answer the operator interface.
        package var bacsTimeout: Duration

        package init(
            accounts: [String: String], dataDirectory: String,
            clockStart: FlexTime = FlexTime(parsing: "2025-04-02T09:00:00")!, bacsTimeout: Duration = .seconds(30)
        ) {
            self.accounts = accounts
            self.dataDirectory = dataDirectory
            self.clockStart = clockStart
            self.bacsTimeout = bacsTimeout
        }
    }

    /// Why a call is refused.
    package enum Refusal: Error, Sendable, Hashable {
        case unknownSession(String)
        case invalidParameter(String)
    }

    private struct Claims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        func verify(using algorithm: some JWTAlgorithm) async throws { try exp.verifyNotExpired() }
    }

    package let settings: Settings
    /// The HS256 secret of the tokens it issues.
    package nonisolated let tokenSecret: String
    private let keys = JWTKeyCollection()
    private let consumptions: FlexConsumptions
    private let started = ContinuousClock.now
    private var sessions: [String: FlexEmulatorSession] = [:]
    private var services: [String: FlexBACSService] = [:]
    private var sessionCount = 0

    /// An emulator with `settings`, its data set's consumption stored in the data directory.
    package init(settings: Settings) async throws {
        self.settings = settings
        try FileManager.default.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
        tokenSecret = (0..<4).map { _ in UUID().uuidString }.joined()
        await keys.add(hmac: HMACKey(from: tokenSecret), digestAlgorithm: .sha256)
        let meansPath = URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent("emulator-means.sqlite").path
        Self.removeDatabase(at: meansPath)
        consumptions = try FlexConsumptions(meters: [:], storePath: meansPath)
        for (asset, steps) in FlexEmulatorConsumption.quarters(around: settings.clockStart) {
            try await consumptions.seed(quarters: steps, of: asset)
        }
    }

    /// The emulated time: the clock start plus the time since the emulator started.
    package nonisolated func now() -> FlexTime {
        let elapsed = (ContinuousClock.now - started).components.seconds
        return settings.clockStart.adding(seconds: elapsed)
    }

    /// `POST /auth/login`: a bearer token valid one day for a known account, nil otherwise.
    package func login(username: String, password: String) async throws -> String? {
        guard let expected = settings.accounts[username], expected == password else { return nil }
        return try await keys.sign(Claims(sub: .init(value: username), exp: .init(value: Date().addingTimeInterval(86_400))))
    }

    /// `POST /sessions`: a new session for `user` at `url` and `level`.
    package func createSession(level: String?, user: String?, url: String?) async throws(Refusal) -> FlexEmulatorSession {
        guard let level = level.flatMap(Int.init).flatMap(FlexRequestEvaluator.Level.init(rawValue:)) else {
            throw .invalidParameter("level_of_flexibility must be 1 or 2")
        }
        guard let user = FlexEmulatorSession.User.allCases.first(where: { $0.rawValue.lowercased() == user?.lowercased() }) else {
            throw .invalidParameter("user must be BACS or Operator")
        }
        guard let url, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw .invalidParameter("url must be the tested party's http(s) base URL")
        }
        sessionCount += 1
        let id = String(sessionCount)
        let session = FlexEmulatorSession(id: id, level: level, user: user, url: url)
        let storePath = URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent("session-\(id).sqlite").path
        Self.removeDatabase(at: storePath)
        do {
            services[id] = try await FlexBACSService(
                bacs: FlexEmulatorDataSet.bacs(level: level), storePath: storePath, consumptions: consumptions, now: { [self] in now() }
            )
        } catch {
            throw .invalidParameter("the session's store cannot be opened: \(error)")
        }
        sessions[id] = session
        return session
    }

    /// Removes a SQLite database left by an earlier run, its WAL and shared memory with it.
    private static func removeDatabase(at path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// The session `id`.
    package func session(_ id: String) throws(Refusal) -> FlexEmulatorSession {
        guard let session = sessions[id] else { throw .unknownSession(id) }
        return session
    }

    /// The BACS interface (Part A): the session's BACS answers `call`, and the call is checked
    /// (a nominal call passes when it is answered 200).
    package func bacsAnswer(session id: String, call: FlexBACSRoutes.Call) async throws(Refusal) -> FlexAnswer {
        guard let service = services[id] else { throw .unknownSession(id) }
        let answer = await service.answer(call)
        let detail = "\(call.route.method.uppercased()) \(call.route.path(bacsID: call.bacsID, assetID: call.assetID, requestID: call.requestID)): \(answer.status)"
            + (answer.status == 200 ? "" : " \(answer.body.jsonText)")
        record([FlexEmulatorCheck(step: .init(call.route), name: "nominal", passed: answer.status == 200, detail: detail)], in: id)
        return answer
    }

    /// Adds `checks` to the session `id`.
    package func record(_ checks: [FlexEmulatorCheck], in id: String) {
        sessions[id]?.checks += checks
    }

    /// The session's report.
    package func report(_ id: String) throws(Refusal) -> FlexEmulatorReport {
        FlexEmulatorReport(session: try session(id))
    }
}

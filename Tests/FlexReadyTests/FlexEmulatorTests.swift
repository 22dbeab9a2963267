import AdapterKit
import AdapterKitHTTPClient
import AdapterKitHTTPServer
import AdapterKitTesting
import EnergyFlexReady
import EnergyFlexReadySimulator
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The emulator's test sessions over real HTTP on loopback, with the adapter on the other side:
/// Part B (the emulator's operator against our BACS) and Part A (our operator against the
/// emulator's BACS), levels 1 and 2, each ending with the emulator's report; and a BACS that
/// fails a robustness case gets a failed report.
@Suite struct FlexEmulatorTests {
    static let bacs2 = FlexEmulatorDataSet.bacs2
    static let bacsToken = "bacs-token-0123456789"

    /// A running emulator: its `/api/v1` URL, and a logged-in client.
    struct Emulator {
        var api: String
        var token: String
        var client: HTTPClientResource

        /// Sends a request to the emulator (its token unless `token` is given) and returns the
        /// status and the body's text.
        func send(_ method: String, _ path: String, body: String? = nil, headers: [(String, String)] = [], token: String? = nil) async throws -> (Int, String) {
            var request = body.map { HTTPRequestSpec.json(method, path: path, body: Array($0.utf8)) } ?? HTTPRequestSpec(method: method, path: path)
            request.headers += headers.map { (name: $0.0, value: $0.1) }
            request.headers.append((name: "Authorization", value: "Bearer \(token ?? self.token)"))
            do {
                let answer = try await client.send(request)
                return (answer.status, answer.text)
            } catch {
                guard let answer = error.answer else { throw error }
                return (answer.status, answer.text)
            }
        }

        /// A new session; its id.
        func session(level: Int, user: String, url: String) async throws -> String {
            let (status, text) = try await send("POST", "/sessions?level_of_flexibility=\(level)&user=\(user)&url=\(url)")
            #expect(status == 200, "\(text)")
            return try JSONValue.parse(text)["session_id"]?.stringValue ?? ""
        }

        /// The session's JSON report.
        func report(_ session: String) async throws -> JSONValue {
            let (status, text) = try await send("POST", "/sessions/\(session)/report", headers: [("Accept", "application/json")])
            #expect(status == 200, "\(text)")
            return try JSONValue.parse(text)
        }
    }

    /// Runs the emulator on a free port while `body` runs.
    static func withEmulator(_ body: @escaping @Sendable (Emulator) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flex-emulator-\(UUID().uuidString)").path
        let emulator = try await FlexEmulator(settings: .init(accounts: ["tester": "secret-password"], dataDirectory: directory))
        let router = Router()
        try await FlexEmulatorRoutes.register(on: router, emulator: emulator)
        try await LoopbackServer.run(router) { port in
            let api = "http://127.0.0.1:\(port)\(FlexEmulatorRoutes.prefix)"
            try await HTTPClientResource.run(HTTPClientSettings(baseURL: api, requestTimeout: .seconds(60)), resolvePath: { $0 }) { client in
                var login = HTTPRequestSpec(method: "POST", path: "/auth/login", body: Array("username=tester&password=secret-password".utf8))
                login.headers = [("Content-Type", "application/x-www-form-urlencoded")]
                let token = try JSONValue.parse(try await client.send(login).text)["access_token"]?.stringValue ?? ""
                try await body(Emulator(api: api, token: token, client: client))
            }
        }
    }

    /// Our BACS (the adapter, emulator data set at `level`, with the `extra` settings) on `port`
    /// while `body` runs; returns what it published.
    @discardableResult
    static func withBACS(
        level: Int, anonymous: Bool = false, port: Int = LoopbackPort.free(), extra: String = "", _ body: (Int, InMemoryHost) async throws -> Void
    ) async throws -> [Event] {
        let host = try InMemoryHost()
        let authentication = anonymous ? #""allow_anonymous": true"# : #""clients": [{"name": "emulator", "token": "\#(bacsToken)"}]"#
        let adapter = try host.makeAdapter(FlexReadyAdapter.self, configuration: """
            {"port": \(port), "data_set": "emulator", "data_set_level": \(level), \(authentication)\(extra)}
            """)
        try await host.run(adapter) { host in
            try await HTTPClientResource.run(HTTPClientSettings(baseURL: "http://127.0.0.1:\(port)"), resolvePath: { $0 }) { probe in
                for _ in 0..<400 {  // the server starts with the adapter
                    do {
                        _ = try await probe.send(HTTPRequestSpec(path: "/bacs/x/assets"))
                        break
                    } catch {
                        if (error as? HTTPFailure)?.answer != nil { break }
                        try await Task.sleep(for: .milliseconds(10))
                    }
                }
            }
            try await body(port, host)
        }
        return host.published
    }

    static func askBody(_ requestID: String, price: Bool) -> String {
        #"{"requestID": "\#(requestID)", "flexProduct": "WID", \#(price ? #""askingPrice": 120, "# : "")"power": [{"power": {"unit": "W", "multiplier": "k", "value": 80.0}, "start": "2025-04-02T10:00:00", "end": "2025-04-02T10:02:00"}]}"#
    }

    static func confirmBody(price: Bool) -> String {
        #"{"flexProduct": "WID", \#(price ? #""askingPrice": 120, "# : "")"power": [{"power": {"unit": "W", "multiplier": "k", "value": 80.0}, "start": "2025-04-02T10:00:00", "end": "2025-04-02T10:02:00"}]}"#
    }

    /// Part B of the guide through the operator interface; returns each call's `test_status`.
    static func partB(_ emulator: Emulator, session: String, level: Int) async throws -> [String] {
        let forward = [("EMULATOR_Authorization", "Bearer \(bacsToken)")]
        let base = "/\(session)/operator/bacs/\(bacs2)/assets"
        var calls: [(String, String, String?)] = [
            ("GET", base, nil),
            ("POST", base + "/WholeBuilding/flexibilities/request", askBody("req-b\(level)", price: level == 2)),
            ("POST", base + "/WholeBuilding/flexibilities/request/req-b\(level)/confirm", confirmBody(price: level == 2)),
            ("GET", base + "/WholeBuilding/flexibilities/request/req-b\(level)/consumptions", nil),
        ]
        if level == 2 { calls += [("GET", base + "/consumptions", nil), ("GET", base + "/WholeBuilding/consumptions", nil)] }
        var statuses: [String] = []
        for (method, path, body) in calls {
            let (status, text) = try await emulator.send(method, path, body: body, headers: forward)
            #expect(status == 200, "\(method) \(path): \(text)")
            statuses.append(try JSONValue.parse(text)["test_status"]?.stringValue ?? text)
        }
        return statuses
    }

    @Test(.timeLimit(.minutes(2)), arguments: [1, 2]) func partBOurBACSPassesTheEmulatorsOperator(level: Int) async throws {
        try await Self.withEmulator { emulator in
            try await Self.withBACS(level: level) { port, _ in
                let session = try await emulator.session(level: level, user: "BACS", url: "http://127.0.0.1:\(port)")
                let statuses = try await Self.partB(emulator, session: session, level: level)
                #expect(statuses.allSatisfy { $0 == "NOMINAL TEST AND ROBUSTNESS TESTS PASSED" }, "\(statuses)")
                let report = try await emulator.report(session)
                #expect(report["result"]?.stringValue == "passed", "\(report.jsonText)")
                let required = (report["steps"]?.arrayValue ?? []).filter { $0["required"]?.boolValue == true }.compactMap { $0["step"]?.stringValue }
                #expect(required == (level == 2
                    ? ["askflex", "confirmflexrequest", "realiseflexrequest", "getbacsassetshisto", "getbacsassetsconsos"]
                    : ["askflex", "confirmflexrequest", "realiseflexrequest"]))
                // Robustness cases ran: invalid dates, unknown ids, excessive volume, malformed JSON, missing token.
                let names = Set((report["checks"]?.arrayValue ?? []).compactMap { $0["check"]?.stringValue })
                #expect(names.isSuperset(of: ["bad date", "unknown AssetID", "unknown BACSID", "excessive volume", "malformed JSON", "extra field", "missing token", "unknown requestID"]))
                let (status, html) = try await emulator.send("POST", "/sessions/\(session)/report", headers: [("Accept", "text/html")])
                #expect(status == 200 && html.contains("<b class=\"ok\">PASSED</b>"), "\(html.prefix(400))")
            }
        }
    }

    /// Level 2: our BACS sends acceptFlexRequest to the emulator's operator interface, which checks
    /// and acknowledges it.
    @Test(.timeLimit(.minutes(2))) func theBACSSendsAcceptFlexRequestToTheOperator() async throws {
        try await Self.withEmulator { emulator in
            let port = LoopbackPort.free()
            let session = try await emulator.session(level: 2, user: "BACS", url: "http://127.0.0.1:\(port)")
            let extra = #", "accept_url": "\#(emulator.api)/\#(session)/operator", "accept_token": "\#(emulator.token)""#
            let published = try await Self.withBACS(level: 2, port: port, extra: extra) { _, _ in
                _ = try await Self.partB(emulator, session: session, level: 2)
                for _ in 0..<400 {
                    let checks = try await emulator.report(session)["checks"]?.arrayValue ?? []
                    if checks.contains(where: { $0["step"]?.stringValue == "acceptflexrequest" }) { break }
                    try await Task.sleep(for: .milliseconds(25))
                }
            }
            let report = try await emulator.report(session)
            let acceptances = (report["checks"]?.arrayValue ?? []).filter { $0["step"]?.stringValue == "acceptflexrequest" }
            #expect(acceptances.count == 1 && acceptances.first?["result"]?.stringValue == "passed", "\(acceptances)")
            #expect(acceptances.first?["detail"]?.stringValue == "POST /bacs/\(Self.bacs2)/assets/WholeBuilding/flexibilities/request/req-b2/accept")
            #expect(report["result"]?.stringValue == "passed")
            #expect(!published.contains { $0.kind == .alarm && ((try? $0.decode(EnergyAlarm.self))?.code ?? "") == "flex_acceptance_unacknowledged" })
        }
    }

    /// An operator that does not acknowledge: one retry 5 s later, then the alarm.
    @Test(.timeLimit(.minutes(1))) func anUnacknowledgedAcceptanceIsRetriedOnceThenAlarmed() async throws {
        let silent = LoopbackPort.free()
        let extra = #", "accept_url": "http://127.0.0.1:\#(silent)/operator""#
        let started = ContinuousClock.now
        var raisedAfter: Duration?
        try await Self.withBACS(level: 2, extra: extra) { port, host in
            try await HTTPClientResource.run(HTTPClientSettings(baseURL: "http://127.0.0.1:\(port)", bearerToken: Self.bacsToken), resolvePath: { $0 }) { client in
                let ask = HTTPRequestSpec.json("POST", path: "/bacs/\(Self.bacs2)/assets/WholeBuilding/flexibilities/request", body: Array(Self.askBody("req-x", price: true).utf8))
                let status = try await client.send(ask).status
                #expect(status == 200)
            }
            while raisedAfter == nil, ContinuousClock.now - started < .seconds(30) {
                let alarms = host.published.filter { $0.kind == .alarm }.compactMap { try? $0.decode(EnergyAlarm.self) }
                if alarms.contains(where: { $0.code == "flex_acceptance_unacknowledged" && $0.active }) { raisedAfter = ContinuousClock.now - started }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(host.logs.contains { $0.message.contains("acceptFlexRequest of \(Self.bacs2)/WholeBuilding/req-x not acknowledged by the operator after a retry") })
        }
        // The retry came 5 s after the first attempt: the alarm is not raised before.
        #expect(raisedAfter.map { $0 >= .seconds(5) } == true, "\(String(describing: raisedAfter))")
    }

    @Test(.timeLimit(.minutes(2))) func aBACSThatServesWithoutItsTokenFailsTheRobustnessCases() async throws {
        try await Self.withEmulator { emulator in
            try await Self.withBACS(level: 2, anonymous: true) { port, _ in
                let session = try await emulator.session(level: 2, user: "BACS", url: "http://127.0.0.1:\(port)")
                let statuses = try await Self.partB(emulator, session: session, level: 2)
                #expect(statuses.allSatisfy { $0.hasPrefix("NOMINAL TEST PASSED, ROBUSTNESS TESTS FAILED: missing token") }, "\(statuses)")
                let report = try await emulator.report(session)
                #expect(report["result"]?.stringValue == "failed")
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func anUnreachableBACSFailsTheNominalTest() async throws {
        try await Self.withEmulator { emulator in
            let session = try await emulator.session(level: 1, user: "BACS", url: "http://127.0.0.1:\(LoopbackPort.free())")
            let (status, text) = try await emulator.send("GET", "/\(session)/operator/bacs/\(Self.bacs2)/assets")
            #expect(status == 502 && text.contains("NOMINAL TEST FAILED"), "\(text)")
            #expect(try await emulator.report(session)["result"]?.stringValue == "failed")
        }
    }

    /// Part A: our operator role (run at start, then commands) against the emulator's BACS.
    @Test(.timeLimit(.minutes(2)), arguments: [1, 2]) func partAOurOperatorPassesTheEmulatorsBACS(level: Int) async throws {
        try await Self.withEmulator { emulator in
            let session = try await emulator.session(level: level, user: "Operator", url: "http://127.0.0.1:9")
            let host = try InMemoryHost()
            let price = level == 2 ? #", "asking_price": 120"# : ""
            let adapter = try host.makeAdapter(FlexReadyAdapter.self, configuration: """
                {"operator": {"bacs_url": "\(emulator.api)/\(session)", "token": "\(emulator.token)", "headers": {"X-Test": "part-a"},
                  "bacs_id": "\(Self.bacs2)", "asset_id": "WholeBuilding", "level": \(level)\(price),
                  "run_on_start": {"request_id": "req-a\(level)", "power_kw": 80, "start": "2025-04-02T10:00:00", "end": "2025-04-02T10:02:00"}}}
                """)
            try await host.run(adapter) { host in
                // askFlex's answer, then the realization's quarter-hour.
                let published = await host.waitForPublished(count: 2, timeout: .seconds(30))
                #expect(published.contains { $0.kind == .flexRealization }, "\(published.map(\.topic))")
                // A command afterwards: the BACS's consumption history.
                try await host.deliver([try OperatorCommandEvents.event("history", "ticket-1")], to: adapter)
                let acks = await OperatorCommandEvents.acks(host, count: 1)
                #expect(acks.first?.outcome == "executed" && acks.first?.detail.contains("value(s)") == true, "\(acks)")
            }
            let confirmations = try host.published.filter { $0.kind == .flexConfirmation }.map { try $0.decode(EnergyFlexConfirmation.self) }
            #expect(confirmations.map(\.requestID) == ["\(Self.bacs2)/WholeBuilding/req-a\(level)"])
            #expect(confirmations.first?.accepted == true && confirmations.first?.power == 80_000)
            #expect(confirmations.first?.detail == (level == 2 ? "the BACS answered accepted" : "the BACS answered recuSansEngagement"), "\(confirmations)")
            let realizations = try host.published.filter { $0.kind == .flexRealization }.map { try $0.decode(EnergyFlexRealization.self) }
            // The emulator's BACS 2 WholeBuilding draws 60 kW by day (its data set's base load).
            #expect(realizations.map(\.power) == [60_000] && realizations.first?.energy == 15_000, "\(realizations)")
            let report = try await emulator.report(session)
            #expect(report["result"]?.stringValue == "passed", "\(report.jsonText)")
        }
    }

    @Test(.timeLimit(.minutes(1))) func theEmulatorRefusesWhatItMust() async throws {
        try await Self.withEmulator { emulator in
            var login = HTTPRequestSpec(method: "POST", path: "/auth/login", body: Array("username=tester&password=wrong".utf8))
            login.headers = [("Content-Type", "application/x-www-form-urlencoded")]
            #expect(await Self.status(of: login, emulator.client) == 401)
            // A form without a name (`=`) is no crash.
            var empty = HTTPRequestSpec(method: "POST", path: "/auth/login", body: Array("=&=x&".utf8))
            empty.headers = [("Content-Type", "application/x-www-form-urlencoded")]
            #expect(await Self.status(of: empty, emulator.client) == 401)
            let forged = try await emulator.send("POST", "/sessions?level_of_flexibility=2&user=BACS&url=http://127.0.0.1:1", token: "forged").0
            let badLevel = try await emulator.send("POST", "/sessions?level_of_flexibility=3&user=BACS&url=http://127.0.0.1:1").0
            let badUser = try await emulator.send("POST", "/sessions?level_of_flexibility=2&user=Nobody&url=http://127.0.0.1:1").0
            let badURL = try await emulator.send("POST", "/sessions?level_of_flexibility=2&user=BACS&url=ftp://x").0
            let noReport = try await emulator.send("POST", "/sessions/404/report").0
            let noSession = try await emulator.send("GET", "/404/bacs/\(Self.bacs2)/assets").0
            let statuses: [Int] = [forged, badLevel, badUser, badURL, noReport, noSession]
            #expect(statuses == [401, 400, 400, 400, 404, 404])
        }
    }

    /// The login reads any form: 300 mutated bodies are answered 200 or 401, the emulator still up.
    @Test(.timeLimit(.minutes(1))) func mutatedLoginFormsAreAnsweredNotCrashedOn() async throws {
        try await Self.withEmulator { emulator in
            var generator = SeededGenerator(seed: 0x10C1)
            for _ in 0..<300 {
                var login = HTTPRequestSpec(method: "POST", path: "/auth/login", body: generator.mutate(Array("username=tester&password=secret-password".utf8)))
                login.headers = [("Content-Type", "application/x-www-form-urlencoded")]
                let status = await Self.status(of: login, emulator.client)
                #expect([200, 401].contains(status), "\(String(decoding: login.body ?? [], as: UTF8.self)) → \(status)")
            }
        }
    }

    static func status(of request: HTTPRequestSpec, _ client: HTTPClientResource) async -> Int {
        do {
            return try await client.send(request).status
        } catch {
            return error.answer?.status ?? 0
        }
    }
}

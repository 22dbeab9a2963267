import AdapterKit
import AdapterKitTesting
import Foundation
import Testing

/// Both test sessions of the Flex Ready® emulator with the real binaries: `energy-sim flexready`
/// as the emulator, one `energy-host` serving the BACS role (Part B: the emulator's operator calls
/// it) and running the operator role (Part A: it calls the emulator's BACS, at start and then on
/// an operator's `ctl command`). Both reports say passed.
@Suite struct FlexReadyConformanceEndToEndTests {
    static let bacs2 = "a987fbc9-4bed-4078-9f07-9141ba07c9f3"
    static let bacsToken = "emulator-operator-0123456789"
    static let adminToken = "alice-token-0123456789"

    static func start(_ executable: String, _ arguments: [String], in directory: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.products + "/" + executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func waitUntilAnswering(_ url: String) async throws {
        for _ in 0..<600 {
            if (try? await HTTP.get(url)) != nil { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw CancellationError()
    }

    static func json(_ text: String) throws -> JSONValue { try JSONValue.parse(text) }

    @Test(.timeLimit(.minutes(2))) func partsAAndBPassWithTheRealBinaries() async throws {
        let directory = try TestSupport.temporaryDirectory()
        let emulatorPort = LoopbackPort.free(), bacsPort = LoopbackPort.free(), adminPort = LoopbackPort.free()
        let emulator = try Self.start("energy-sim", [
            "flexready", "--listen", "127.0.0.1:\(emulatorPort)", "--account", "tester:secret", "--data-dir", directory.appendingPathComponent("emulator").path,
        ], in: directory)
        defer { if emulator.isRunning { emulator.terminate() } }
        let api = "http://127.0.0.1:\(emulatorPort)/api/v1"
        try await Self.waitUntilAnswering(api + "/sessions")

        // Login (form-encoded), then one session per part.
        let login = try await HTTP.post(api + "/auth/login", json: "username=tester&password=secret",
                                        headers: ["Content-Type": "application/x-www-form-urlencoded"])
        let token = try Self.json(login.body)["access_token"]?.stringValue ?? ""
        let auth = ["Authorization": "Bearer \(token)"]
        let sessionB = try Self.json(try await HTTP.post(api + "/sessions?level_of_flexibility=2&user=BACS&url=http://127.0.0.1:\(bacsPort)", json: "", headers: auth).body)["session_id"]?.stringValue ?? ""
        let sessionA = try Self.json(try await HTTP.post(api + "/sessions?level_of_flexibility=2&user=Operator&url=http://127.0.0.1:9", json: "", headers: auth).body)["session_id"]?.stringValue ?? ""
        #expect(!sessionA.isEmpty && !sessionB.isEmpty)

        try TestSupport.write(Self.bacsToken + "\n", to: "bacs.token", in: directory)
        try TestSupport.write(token + "\n", to: "emulator.token", in: directory)
        try TestSupport.write(Self.adminToken + "\n", to: "alice.token", in: directory)
        try TestSupport.write(#"""
            {"host": {"id": "gw", "data_dir": "data",
                      "admin": {"listen": "127.0.0.1:\#(adminPort)", "operators": [{"name": "alice", "token": "file:alice.token"}]}},
             "sites": [{"id": "s", "adapters": [
               {"id": "bacs", "plugin": "FlexReady", "config": {"port": \#(bacsPort), "data_set": "emulator",
                 "clients": [{"name": "emulator", "token": "file:bacs.token"}],
                 "accept_url": "\#(api)/\#(sessionB)/operator", "accept_token": "file:emulator.token"}},
               {"id": "operator", "plugin": "FlexReady", "config": {"operator": {
                 "bacs_url": "\#(api)/\#(sessionA)", "token": "file:emulator.token", "bacs_id": "\#(Self.bacs2)", "asset_id": "WholeBuilding",
                 "level": 2, "asking_price": 120,
                 "run_on_start": {"request_id": "req-a", "power_kw": 80, "start": "2025-04-02T10:00:00", "end": "2025-04-02T10:02:00"}}}}]}]}
            """#, to: "adapters.json", in: directory)
        let host = try Self.start("energy-host", ["run", "--config", "adapters.json"], in: directory)
        defer { if host.isRunning { kill(host.processIdentifier, SIGKILL) } }
        try await Self.waitUntilAnswering("http://127.0.0.1:\(bacsPort)/bacs/x/assets")

        // Part B: the guide's calls through the emulator's operator interface.
        let forward = auth.merging(["EMULATOR_Authorization": "Bearer \(Self.bacsToken)"]) { $1 }
        let base = "\(api)/\(sessionB)/operator/bacs/\(Self.bacs2)/assets"
        let period = #""power": [{"power": {"unit": "W", "multiplier": "k", "value": 80.0}, "start": "2025-04-02T10:00:00", "end": "2025-04-02T10:02:00"}]"#
        var answers = [try await HTTP.get(base, headers: forward)]
        answers.append(try await HTTP.post(base + "/WholeBuilding/flexibilities/request",
                                           json: #"{"requestID": "req-b", "flexProduct": "WID", "askingPrice": 120, \#(period)}"#, headers: forward))
        answers.append(try await HTTP.post(base + "/WholeBuilding/flexibilities/request/req-b/confirm",
                                           json: #"{"flexProduct": "WID", "askingPrice": 120, \#(period)}"#, headers: forward))
        answers.append(try await HTTP.get(base + "/WholeBuilding/flexibilities/request/req-b/consumptions", headers: forward))
        answers.append(try await HTTP.get(base + "/consumptions", headers: forward))
        answers.append(try await HTTP.get(base + "/WholeBuilding/consumptions", headers: forward))
        for answer in answers {
            #expect(answer.status == 200 && answer.body.contains(#""test_status":"NOMINAL TEST AND ROBUSTNESS TESTS PASSED""#), "\(answer.body.prefix(600))")
        }
        // The BACS's acceptFlexRequest of req-b reached the emulator's operator interface.
        for _ in 0..<200 where !(try await HTTP.post(api + "/sessions/\(sessionB)/report", json: "", headers: auth).body.contains("acceptflexrequest")) {
            try await Task.sleep(for: .milliseconds(25))
        }
        let reportB = try Self.json(try await HTTP.post(api + "/sessions/\(sessionB)/report", json: "", headers: auth.merging(["Accept": "application/json"]) { $1 }).body)
        #expect(reportB["result"]?.stringValue == "passed", "\(reportB.jsonText.prefix(2000))")
        let acceptance = (reportB["checks"]?.arrayValue ?? []).first { (check: JSONValue) in check["step"]?.stringValue == "acceptflexrequest" }
        #expect(acceptance?["result"]?.stringValue == "passed", "\(reportB.jsonText.prefix(2000))")

        // Part A: the operator ran its start request; an operator's command through ctl runs history.
        let ctl = try await TestSupport.run(TestSupport.hostExecutable, [
            "ctl", "command", "s/operator", "history", "--reference", "TICKET-7", "--admin", "127.0.0.1:\(adminPort)", "--token-file", "alice.token",
        ], in: directory)
        #expect(ctl.status == 0 && ctl.output.contains("executed"), "\(ctl.output)")
        // A second request through ctl, its period given with --from and --until: the emulator's
        // BACS refuses it (the asset's one activation of that day went to req-a), and says why.
        let ask = try await TestSupport.run(TestSupport.hostExecutable, [
            "ctl", "command", "s/operator", "ask", "--value", "80", "--unit", "kW", "--from", "2025-04-02T10:05:00Z", "--until", "2025-04-02T10:07:00Z",
            "--reference", "req-a2", "--admin", "127.0.0.1:\(adminPort)", "--token-file", "alice.token",
        ], in: directory)
        #expect(ask.status == 0 && ask.output.contains("refused: the asset's activations for the day are used up"), "\(ask.output)")
        let badTime = try await TestSupport.run(TestSupport.hostExecutable, [
            "ctl", "command", "s/operator", "ask", "--value", "80", "--unit", "kW", "--from", "tomorrow", "--until", "2025-04-02T10:07:00Z",
            "--reference", "req-a3", "--admin", "127.0.0.1:\(adminPort)", "--token-file", "alice.token",
        ], in: directory)
        #expect(badTime.status == 1 && badTime.output.contains("valid_from must be an RFC 3339 time"), "\(badTime.output)")
        let reportA = try Self.json(try await HTTP.post(api + "/sessions/\(sessionA)/report", json: "", headers: auth.merging(["Accept": "application/json"]) { $1 }).body)
        #expect(reportA["result"]?.stringValue == "passed", "\(reportA.jsonText.prefix(2000))")
        let checked = Set((reportA["checks"]?.arrayValue ?? []).compactMap { (check: JSONValue) in check["step"]?.stringValue })
        #expect(checked == ["getbacsassets", "askflex", "confirmflexrequest", "realiseflexrequest", "getbacsassetshisto"], "\(checked)")

        host.terminate()
        await TestSupport.waitForExit(host)
        #expect(host.terminationStatus == 0)
    }

    /// The supplier's and EcoWatt's simulators as the demo starts them, and the host's FlexReady
    /// instance taking their signals: tariff signals in the recorder's file, 96 quarter-hours of
    /// prices and four local days of EcoWatt hours.
    @Test(.timeLimit(.minutes(1))) func theSignalsSimulatorsFeedTheHostsTariffSignals() async throws {
        let directory = try TestSupport.temporaryDirectory()
        let supplierPort = LoopbackPort.free(), ecowattPort = LoopbackPort.free()
        let supplier = try Self.start("energy-sim", ["supplier-signal", "--listen", "127.0.0.1:\(supplierPort)", "--building", "bat-7:30001234567890"], in: directory)
        defer { if supplier.isRunning { supplier.terminate() } }
        let ecowatt = try Self.start("energy-sim", ["ecowatt", "--listen", "127.0.0.1:\(ecowattPort)", "--client-id", "gw", "--client-secret", "s3cret"], in: directory)
        defer { if ecowatt.isRunning { ecowatt.terminate() } }
        try await Self.waitUntilAnswering("http://127.0.0.1:\(supplierPort)/GetCommodityPriceExchange/x")
        try await Self.waitUntilAnswering("http://127.0.0.1:\(ecowattPort)/open_api/ecowatt/v5/signals")
        try TestSupport.write("s3cret\n", to: "ecowatt.secret", in: directory)
        try TestSupport.write(#"""
            {"host": {"id": "gw", "data_dir": "data", "admin": {"enabled": false}},
             "sites": [{"id": "s", "adapters": [
               {"id": "signals", "plugin": "FlexReady", "config": {
                 "supplier": {"url": "http://127.0.0.1:\#(supplierPort)", "building_id": "bat-7", "dp": "30001234567890"},
                 "ecowatt": {"url": "http://127.0.0.1:\#(ecowattPort)", "client_id": "gw", "client_secret": "file:ecowatt.secret"}}},
               {"id": "recorder", "plugin": "Recorder", "config": {"path": "events.jsonl"}, "subscribe": ["sites/s/signals/tariffs"]}]}]}
            """#, to: "adapters.json", in: directory)
        let host = try Self.start("energy-host", ["run", "--config", "adapters.json"], in: directory)
        defer { if host.isRunning { kill(host.processIdentifier, SIGKILL) } }
        let file = directory.appendingPathComponent("data/s/recorder/events.jsonl")
        var lines: [Substring] = []
        for _ in 0..<400 {
            lines = ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n")
            if lines.count >= 192 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(lines.filter { $0.contains(#""origin":"supplier""#) && $0.contains(#""currency":"EUR""#) }.count == 96)
        #expect(lines.filter { $0.contains(#""origin":"ecowatt""#) }.count >= 95, "four local days, less one hour on the day clocks go forward")
        #expect(lines.contains { $0.contains(#""period":"ECOWATT_ROUGE""#) })
        host.terminate()
        await TestSupport.waitForExit(host)
    }
}

import AdapterKit
import AdapterKitHTTPClient
import AdapterKitTesting
import EnergyFlexReady
import Foundation
import Testing

/// The adapter in a host: its server on a loopback port, bearer tokens checked, each stored
/// request and confirmation published on the bus, the intrusion alarm.
@Suite struct FlexReadyAdapterTests {
    static let bacs2 = FlexEmulatorDataSet.bacs2

    @Test(.timeLimit(.minutes(1))) func requestsAndConfirmationsReachTheBusAndTokensAreChecked() async throws {
        let port = LoopbackPort.free()
        let host = try InMemoryHost(now: { EventTime(nanosecondsSinceEpoch: FlexTime(parsing: "2025-04-01T08:00:00")!.secondsSinceEpoch * 1_000_000_000) })
        let adapter = try host.makeAdapter(FlexReadyAdapter.self, configuration: """
            {"port": \(port), "base_path": "/session-1", "data_set": "emulator", "clients": [{"name": "aggregator", "token": "token-0123456789"}]}
            """)
        let base = "/bacs/\(Self.bacs2)/assets/WholeBuilding/flexibilities/request"
        try await host.run(adapter) { host in
            let settings = HTTPClientSettings(baseURL: "http://127.0.0.1:\(port)/session-1")
            try await HTTPClientResource.run(settings, resolvePath: { $0 }) { client in
                func send(_ method: String, _ path: String, _ body: String?, token: String?) async throws -> Int {
                    var request = body.map { HTTPRequestSpec.json(method, path: path, body: Array($0.utf8)) } ?? HTTPRequestSpec(method: method, path: path)
                    if let token { request.headers.append((name: "Authorization", value: "Bearer \(token)")) }
                    for _ in 0..<200 {  // the server starts with the adapter
                        do {
                            return try await client.send(request).status
                        } catch {
                            if let answer = error.answer { return answer.status }
                            try await Task.sleep(for: .milliseconds(25))
                        }
                    }
                    return 0
                }
                #expect(try await send("GET", "/bacs/\(Self.bacs2)/assets", nil, token: nil) == 401)
                #expect(try await send("GET", "/bacs/\(Self.bacs2)/assets", nil, token: "wrong-token") == 401)
                #expect(try await send("GET", "/bacs/\(Self.bacs2)/assets", nil, token: "token-0123456789") == 200)
                #expect(try await send("POST", base, FlexBACSServerTests.fits, token: "token-0123456789") == 200)
                #expect(try await send("POST", base + "/req-001/confirm", FlexBACSServerTests.confirmation, token: "token-0123456789") == 200)
                for index in 1...5 { _ = try await send("GET", "/bacs/unknown-\(index)/assets", nil, token: "token-0123456789") }
            }
            _ = await host.waitForPublished(count: 3)
        }
        let requests = try host.published.filter { $0.kind == .flexRequest }.map { try $0.decode(EnergyFlexRequest.self) }
        #expect(requests.map(\.id) == ["\(Self.bacs2)/WholeBuilding/req-001"])
        #expect(requests.first?.power == 80_000 && requests.first?.direction == "down" && requests.first?.reason == "accepted")
        #expect(requests.first?.start == EventTime(nanosecondsSinceEpoch: FlexTime(parsing: "2025-04-02T10:00:00")!.secondsSinceEpoch * 1_000_000_000).timestamp)
        let confirmations = try host.published.filter { $0.kind == .flexConfirmation }.map { try $0.decode(EnergyFlexConfirmation.self) }
        #expect(confirmations.map(\.requestID) == ["\(Self.bacs2)/WholeBuilding/req-001"] && confirmations.first?.power == 80_000)
        let alarms = try host.published.filter { $0.kind == .alarm }.map { try $0.decode(EnergyAlarm.self) }
        #expect(alarms.map(\.code) == ["flex_possible_intrusion"] && alarms.first?.severity == "critical" && alarms.first?.active == true)
        #expect(host.published.filter { $0.kind == .flexRequest }.allSatisfy { $0.topic == "sites/test-site/under-test/requests" })
    }

    @Test func aConfigurationWithoutBACSOrAuthenticationIsRefusedByName() throws {
        let host = try InMemoryHost()
        let issues = host.validate(FlexReadyAdapter.self, configuration: #"{"port": 0}"#).map(\.description)
        #expect(issues.contains { $0.contains("bacs") && $0.contains("no BACS to serve and no operator role") }, "\(issues)")
        let open = host.validate(FlexReadyAdapter.self, configuration: #"{"port": 0, "data_set": "emulator"}"#).map(\.description)
        #expect(open.contains { $0.contains("clients") && $0.contains("no way to authenticate") }, "\(open)")
        let role = host.validate(FlexReadyAdapter.self, configuration: #"""
            {"operator": {"bacs_url": "http:///no-host", "bacs_id": "b", "asset_id": "a", "headers": {"Bad Name": "x"},
              "run_on_start": {"request_id": "r", "power_kw": 1, "start": "2025-04-02T10:00:00", "end": "2025-04-02T09:00:00"}}}
            """#).map(\.description)
        for expected in ["operator.bacs_url", "operator.asking_price", "operator.headers.Bad Name", "operator.run_on_start.end"] {
            #expect(role.contains { $0.contains(expected) }, "\(expected) not in \(role)")
        }
        let windows = host.validate(FlexReadyAdapter.self, configuration: #"""
            {"port": 0, "allow_anonymous": true, "jwt_hs256_secret": "short", "bacs": [{"id": "b", "level": 1, "assets": [
              {"id": "a", "flex_product": "WID", "potentials": [{"power_kw": 1, "max_duration_min": 1, "windows": [{"start": "2025-04-02T12:00:00", "end": "2025-04-02T11:00:00"}]}]},
              {"id": "a", "flex_product": "WDA", "potentials": [{"power_kw": 1, "max_duration_min": 1, "year_period": {"start_day": "2025-13-01", "end_day": "2025-01-01"}}]}]}]}
            """#).map(\.description)
        for expected in ["jwt_hs256_secret", "windows[0].end", "assets[1].id", "year_period.start_day", "potentials[0].months"] {
            #expect(windows.contains { $0.contains(expected) }, "\(expected) not in \(windows)")
        }
    }
}

/// The consumption endpoints, from a meter's measurements delivered to the adapter.
@Suite struct FlexReadyConsumptionTests {
    static let bacs2 = FlexEmulatorDataSet.bacs2

    /// A measurement of an energy index of `wattHours`, from `meter` at `time`.
    static func reading(_ wattHours: Double, at time: FlexTime, from meter: String = "meter") throws -> Event {
        var value = EnergyValue()
        value.quantity = Quantity.activeEnergyImport.rawValue
        value.unit = "Wh"
        value.register = "total"
        value.value = wattHours
        var measurement = EnergyMeasurement()
        measurement.deviceID = "021861348497"
        measurement.values = [value]
        var event = try Event(topic: "sites/test-site/\(meter)/measurements", payload: measurement,
                              time: EventTime(nanosecondsSinceEpoch: time.secondsSinceEpoch * 1_000_000_000))
        event.source = meter
        return event
    }

    @Test(.timeLimit(.minutes(1))) func realisedHistoryAndCurrentConsumptionComeFromTheMetersIndex() async throws {
        let port = LoopbackPort.free()
        let now = FlexTime(parsing: "2025-04-01T08:00:00")!
        let host = try InMemoryHost(now: { EventTime(nanosecondsSinceEpoch: now.secondsSinceEpoch * 1_000_000_000) })
        let adapter = try host.makeAdapter(FlexReadyAdapter.self, configuration: """
            {"port": \(port), "data_set": "emulator", "allow_anonymous": true, "meters": {"\(Self.bacs2)/WholeBuilding": "meter"}}
            """)
        let base = "/bacs/\(Self.bacs2)/assets"
        try await host.run(adapter) { host in
            // 06:00 to 08:00 on April 1st at 3 kW, then April 2nd 10:00 to 10:30 at 60 kW (the request's period).
            var index = 1_000_000.0
            for minute in 0...120 {
                try await host.deliver([try Self.reading(index, at: FlexTime(parsing: "2025-04-01T06:00:00")!.adding(seconds: Int64(minute) * 60))], to: adapter)
                index += 3000.0 / 60
            }
            for minute in 0...30 {
                try await host.deliver([try Self.reading(index, at: FlexTime(parsing: "2025-04-02T10:00:00")!.adding(seconds: Int64(minute) * 60))], to: adapter)
                index += 60_000.0 / 60
            }
            // A measurement of an adapter that is no meter changes nothing.
            try await host.deliver([try Self.reading(5, at: now, from: "other")], to: adapter)
            let settings = HTTPClientSettings(baseURL: "http://127.0.0.1:\(port)")
            try await HTTPClientResource.run(settings, resolvePath: { $0 }) { client in
                func get(_ path: String) async throws -> JSONValue {
                    for _ in 0..<200 {
                        if let answer = try? await client.send(HTTPRequestSpec(path: path)) { return try JSONValue.parse(answer.text) }
                        try await Task.sleep(for: .milliseconds(25))
                    }
                    throw CancellationError()
                }
                _ = try await get(base)  // the server is up
                let request = #"{"requestID": "req-9", "flexProduct": "WID", "askingPrice": 50, "power": [{"power": {"unit": "W", "multiplier": "M", "value": 0.08}, "start": "2025-04-02T10:00:00", "end": "2025-04-02T10:02:00"}]}"#
                _ = try await client.send(.json("POST", path: base + "/WholeBuilding/flexibilities/request", body: Array(request.utf8)))
                let realised = try await get(base + "/WholeBuilding/flexibilities/request/req-9/consumptions")
                #expect(realised.jsonText == #"[{"asset":"WholeBuilding","reported":[{"end":"2025-04-02T10:15:00","power":{"multiplier":"M","unit":"W","value":0.06},"start":"2025-04-02T10:00:00"}],"requestID":"req-9"}]"#)
                let history = try await get(base + "/WholeBuilding/consumptions")
                #expect(history.arrayValue?.count == 2)  // 06:00 and 07:00
                #expect(history.arrayValue?.first?.jsonText == #"{"conso":{"multiplier":"k","unit":"W","value":3},"date":"2025-04-01","hour":"06:00:00"}"#)
                let current = try await get(base + "/consumptions")
                #expect(current.jsonText == #"[{"asset":"WholeBuilding","conso":{"multiplier":"k","unit":"W","value":3},"date":"2025-04-01","hour":"07:45:00"}]"#)
                #expect(try await get(base + "/IRVE/consumptions") == .array([]))
                #expect(try await get("/bacs/nobody/assets/consumptions") == .array([]))
                #expect(try await get(base + "/Pool/consumptions") == .array([]))
            }
        }
    }
}

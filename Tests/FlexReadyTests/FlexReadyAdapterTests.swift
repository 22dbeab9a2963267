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
        #expect(issues.contains { $0.contains("bacs") && $0.contains("no BACS to serve") }, "\(issues)")
        #expect(issues.contains { $0.contains("clients") && $0.contains("no way to authenticate") }, "\(issues)")
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

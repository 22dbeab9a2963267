import AdapterKit
import AdapterKitHTTPClient
import AdapterKitTesting
import EnergyFlexReady
import EnergyFlexReadySimulator
import Foundation
import Hummingbird
import Synchronization
import Testing

/// The supplier's and EcoWatt's signals: the adapter against their simulators over HTTP on
/// loopback (OAuth 2 client credentials for EcoWatt), their values as `tariff_signal` events, the
/// quotas and refusals as alarms; and the readers refusing what is malformed.
@Suite struct FlexSignalTests {
    static let dp = "30001234567890"

    static func signalsServer(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        SignalSimulatorRoutes.register(on: router, supplier: SupplierSignalSimulator(settings: .init(buildings: ["bat-1": dp], token: "supplier-token")))
        SignalSimulatorRoutes.register(on: router, ecowatt: EcoWattSimulator(settings: .init(clientID: "client", clientSecret: "secret")))
        try await LoopbackServer.run(router, body)
    }

    static func adapter(_ host: InMemoryHost, port: Int, secret: String = "secret") throws -> FlexReadyAdapter {
        try host.makeAdapter(FlexReadyAdapter.self, configuration: """
            {"supplier": {"url": "http://127.0.0.1:\(port)", "token": "supplier-token", "building_id": "bat-1", "dp": "\(dp)"},
             "ecowatt": {"url": "http://127.0.0.1:\(port)", "client_id": "client", "client_secret": "\(secret)"}}
            """)
    }

    static func seconds(_ time: EventTime) -> Int64 { time.nanosecondsSinceEpoch / 1_000_000_000 }

    static func tariffs(_ host: InMemoryHost) -> [EnergyTariffSignal] {
        host.published.filter { $0.kind == .tariffSignal }.compactMap { try? $0.decode(EnergyTariffSignal.self) }
    }

    static func alarms(_ host: InMemoryHost) -> [EnergyAlarm] {
        host.published.filter { $0.kind == .alarm }.compactMap { try? $0.decode(EnergyAlarm.self) }
    }

    @Test(.timeLimit(.minutes(1))) func supplierAndEcoWattSignalsBecomeTariffSignals() async throws {
        try await Self.signalsServer { port in
            let host = try InMemoryHost()
            try await host.run(try Self.adapter(host, port: port)) { host in
                for _ in 0..<400 where Self.tariffs(host).count < 96 + 96 { try await Task.sleep(for: .milliseconds(10)) }
            }
            let supplier = Self.tariffs(host).filter { $0.origin == "supplier" }
            // 24 hours ahead: 96 consecutive quarter-hours, each with its price, CO2 and power.
            #expect(supplier.count == 96)
            #expect(zip(supplier, supplier.dropFirst()).allSatisfy { $0.end == $1.start && Self.seconds(EventTime($1.start)) - Self.seconds(EventTime($0.start)) == 900 })
            #expect(supplier.allSatisfy { [0.2516, 0.1828].contains($0.price) && $0.currency == "EUR" && $0.hasCo2 && $0.subscribedPower == 36 && $0.period == "SUPPLIER" })
            #expect(Set(supplier.map(\.price)).count == 2, "a day holds peak and off-peak hours")
            // Four local days of hours, from today's local midnight.
            let ecowatt = Self.tariffs(host).filter { $0.origin == "ecowatt" }
            #expect(ecowatt.count == 96 && ecowatt.allSatisfy { Self.seconds(EventTime($0.end)) - Self.seconds(EventTime($0.start)) == 3600 })
            let midnight = Calendar.current.dateComponents(in: TimeZone(identifier: "Europe/Paris")!, from: Date(timeIntervalSince1970: TimeInterval(Self.seconds(EventTime(ecowatt[0].start)))))
            #expect(midnight.hour == 0 && midnight.minute == 0)
            #expect(ecowatt.filter { $0.period == "ECOWATT_ROUGE" }.count == 2 && ecowatt.filter { $0.period == "ECOWATT_ORANGE" }.count == 6)
            #expect(ecowatt.filter { $0.period == "ECOWATT_VERT_DECARBONE" }.count == 24)
            #expect(Self.alarms(host).isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1))) func aQuotaOrARefusedClientRaisesTheSignalsAlarm() async throws {
        try await Self.signalsServer { port in
            // A first instance takes the 15-minute quota of both APIs.
            let first = try InMemoryHost()
            try await first.run(try Self.adapter(first, port: port)) { host in
                for _ in 0..<400 where Self.tariffs(host).count < 96 + 96 { try await Task.sleep(for: .milliseconds(10)) }
            }
            // A second one within the quarter-hour is refused (429), and says so.
            let second = try InMemoryHost()
            try await second.run(try Self.adapter(second, port: port)) { host in
                for _ in 0..<400 where Self.alarms(host).count < 2 { try await Task.sleep(for: .milliseconds(10)) }
            }
            let alarms = Self.alarms(second)
            #expect(alarms.contains { $0.code == "flex_supplier_signal_missing" && $0.active && $0.message.contains("429") }, "\(alarms)")
            #expect(alarms.contains { $0.code == "flex_ecowatt_signal_missing" && $0.active && $0.message.contains("429") }, "\(alarms)")
            #expect(Self.tariffs(second).isEmpty)
            // A wrong client secret: the token endpoint refuses it.
            let refused = try InMemoryHost()
            try await refused.run(try Self.adapter(refused, port: port, secret: "wrong")) { host in
                for _ in 0..<400 where !Self.alarms(host).contains(where: { $0.code == "flex_ecowatt_signal_missing" }) { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(Self.alarms(refused).contains { $0.code == "flex_ecowatt_signal_missing" && $0.message.contains("token endpoint refused") })
        }
    }

    @Test func malformedSignalsAreRefusedWithWhatIsWrong() throws {
        let answers: [(String, String)] = [
            (#"{"DP": "30001234567891", "Values": []}"#, "DP: 30001234567891, not the delivery point"),
            (#"{"DP": "30001234567890"}"#, "Values: missing"),
            (#"{"DP": "30001234567890", "Values": [{"Step": 1, "Day": "2025-04-02", "Cost": 0.2}]}"#, "Values[0]: needs Step, Day"),
            ("[]", "not a JSON object"),
        ]
        for (text, expected) in answers {
            #expect(throws: SupplierSignal.Invalid.self) { try SupplierSignal.signals(in: text, deliveryPoint: Self.dp) }
            do { _ = try SupplierSignal.signals(in: text, deliveryPoint: Self.dp) } catch { #expect(error.description.contains(expected), "\(error)") }
        }
        let ecowatt = #"{"signals": [{"jour": "2025-04-02T00:00:00+02:00", "values": [{"pas": 0, "hvalue": 4}]}]}"#
        do {
            _ = try EcoWattSignal.signals(in: ecowatt)
            Issue.record("an hvalue of 4 was taken")
        } catch {
            #expect(error.description.contains("signals[0].values[0]: needs pas 0-23 and hvalue 0-3"))
        }
        let hours = try EcoWattSignal.signals(in: #"{"signals": [{"jour": "2025-04-02T00:00:00+02:00", "values": [{"pas": 2, "hvalue": 3}]}]}"#)
        #expect(hours.first.map { Self.seconds(EventTime($0.start)) } == Int64(FlexTime(parsing: "2025-04-02T00:00:00Z")!.secondsSinceEpoch))
        #expect(hours.first?.period == "ECOWATT_ROUGE")
    }

    /// EcoWatt's hours are French local hours: 23 on the day clocks go forward, 02:00 lasting two
    /// hours on the day they go back; 24 consecutive hours of a day cover it exactly.
    @Test func ecoWattHoursFollowTheFrenchClockOnDaylightSavingDays() throws {
        func day(_ jour: String) throws -> [EnergyTariffSignal] {
            let values = (0..<24).map { #"{"pas": \#($0), "hvalue": 1}"# }.joined(separator: ", ")
            return try EcoWattSignal.signals(in: #"{"signals": [{"jour": "\#(jour)", "values": [\#(values)]}]}"#)
        }
        func span(_ signals: [EnergyTariffSignal]) -> (Int64, Int64, Bool) {
            let starts = signals.map { Self.seconds(EventTime($0.start)) }, ends = signals.map { Self.seconds(EventTime($0.end)) }
            return (starts.first ?? 0, ends.last ?? 0, zip(ends, starts.dropFirst()).allSatisfy { $0 == $1 })
        }
        let spring = try day("2025-03-30T00:00:00+01:00")
        #expect(spring.count == 23)
        #expect(span(spring) == (FlexTime(parsing: "2025-03-29T23:00:00Z")!.secondsSinceEpoch, FlexTime(parsing: "2025-03-30T22:00:00Z")!.secondsSinceEpoch, true))
        let autumn = try day("2025-10-26T00:00:00+02:00")
        #expect(autumn.count == 24)
        #expect(span(autumn) == (FlexTime(parsing: "2025-10-25T22:00:00Z")!.secondsSinceEpoch, FlexTime(parsing: "2025-10-26T23:00:00Z")!.secondsSinceEpoch, true))
        #expect(autumn.filter { Self.seconds(EventTime($0.end)) - Self.seconds(EventTime($0.start)) == 7200 }.count == 1)
    }

    /// A token the API refuses before its expiry (revoked) is bought again at once, and the
    /// signals are fetched with the new one in the same poll.
    @Test(.timeLimit(.minutes(1))) func aRevokedEcoWattTokenIsBoughtAgainAtOnce() async throws {
        let grants = Atomic<Int>(0)
        let router = Router()
        router.post("token/oauth") { _, _ in
            let grant = grants.add(1, ordering: .relaxed).newValue
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"access_token": "t\#(grant)", "expires_in": 7200}"#)))
        }
        router.get("open_api/ecowatt/v5/signals") { request, _ in
            guard request.headers[.authorization] == "Bearer t2" else { return Response(status: .unauthorized) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"signals": [{"jour": "2025-04-02T00:00:00+02:00", "values": [{"pas": 9, "hvalue": 2}]}]}"#)))
        }
        try await LoopbackServer.run(router) { port in
            let host = try InMemoryHost()
            let adapter = try host.makeAdapter(FlexReadyAdapter.self, configuration: """
                {"ecowatt": {"url": "http://127.0.0.1:\(port)", "client_id": "client", "client_secret": "secret"}}
                """)
            try await host.run(adapter) { host in
                for _ in 0..<400 where Self.tariffs(host).isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(Self.tariffs(host).map(\.period) == ["ECOWATT_ORANGE"])
            #expect(grants.load(ordering: .relaxed) == 2 && Self.alarms(host).isEmpty)
        }
    }

    /// The token endpoint's `expires_in` may be a string; an answer without a token is refused
    /// without quoting it (it may hold secrets).
    @Test(.timeLimit(.minutes(1))) func theTokenEndpointsAnswerIsReadLenientlyAndNeverQuoted() async throws {
        let router = Router()
        router.post("good") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"access_token": "tok-1", "expires_in": "3600"}"#))) }
        router.post("odd") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"token": "secret-looking-value"}"#))) }
        try await LoopbackServer.run(router) { port in
            try await HTTPClientResource.run(HTTPClientSettings(baseURL: "http://127.0.0.1:\(port)"), resolvePath: { $0 }) { client in
                let good = OAuth2ClientCredentials(tokenPath: "/good", clientID: "c", clientSecret: "s")
                let token = try await good.token(using: client)
                #expect(token == "tok-1")
                let odd = OAuth2ClientCredentials(tokenPath: "/odd", clientID: "c", clientSecret: "s")
                do {
                    _ = try await odd.token(using: client)
                    Issue.record("a token was taken from an answer without access_token")
                } catch {
                    #expect("\(error)".contains("has no access_token") && !"\(error)".contains("secret-looking-value"), "\(error)")
                }
            }
        }
    }
}

import AdapterKit
import AdapterKitTesting
import EnergyFlexReady
import Foundation
import Hummingbird
import Synchronization
import Testing

/// The operator role against a BACS on loopback that misbehaves on purpose: askFlex answered after
/// the level 1 timeout (5 s) the first time, so the call is sent once more; a realization above the
/// asset's potential, which is logged and alarmed; an unknown request refused without a call.
@Suite struct FlexOperatorRoleTests {
    @Test(.timeLimit(.minutes(1))) func aTimeoutIsRetriedOnceAndARealizationAboveThePotentialIsAlarmed() async throws {
        let asks = Atomic<Int>(0)
        let router = Router()
        router.get("bacs/b/assets") { _, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"[{"asset": "a", "flexProduct": "WID", "potentiel": [{"power": {"unit": "W", "multiplier": "k", "value": 50}}]}]"#)))
        }
        router.post("bacs/b/assets/a/flexibilities/request") { _, _ in
            if asks.add(1, ordering: .relaxed).newValue == 1 { try await Task.sleep(for: .seconds(6)) }  // past the 5 s timeout
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"message": "Flex request created successfully"}"#)))
        }
        router.get("bacs/b/assets/a/flexibilities/request/r1/consumptions") { _, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"""
                [{"requestID": "r1", "asset": "a", "reported": [
                  {"power": {"unit": "W", "multiplier": "k", "value": 40}, "start": "2025-04-02T10:00:00", "end": "2025-04-02T10:15:00"},
                  {"power": {"unit": "W", "multiplier": "M", "value": 0.08}, "start": "2025-04-02T10:15:00", "end": "2025-04-02T10:30:00"}]}]
                """#)))
        }
        try await LoopbackServer.run(router) { port in
            let host = try InMemoryHost()
            let adapter = try host.makeAdapter(FlexReadyAdapter.self, configuration: """
                {"operator": {"bacs_url": "http://127.0.0.1:\(port)", "bacs_id": "b", "asset_id": "a", "level": 1}}
                """)
            try await host.run(adapter) { host in
                // Commands run as they come: each is sent once the one it depends on is acknowledged.
                var acks: [String: EnergyCommandAck] = [:]
                for (count, next) in [
                    (1, try OperatorCommandEvents.event("confirm", "never-sent")), (2, try OperatorCommandEvents.event("get_assets", "t")),
                    (3, try OperatorCommandEvents.event("ask", "r1", kilowatts: 80, from: "2025-04-02T10:00:00", until: "2025-04-02T10:30:00")),
                    (4, try OperatorCommandEvents.event("realise", "r1")),
                ] {
                    try await host.deliver([next], to: adapter)
                    for ack in await OperatorCommandEvents.acks(host, count: count) { acks[ack.id] = ack }
                }
                #expect(acks.mapValues(\.outcome) == ["cmd-confirm": "rejected", "cmd-get_assets": "executed", "cmd-ask": "executed", "cmd-realise": "executed"], "\(acks)")
                #expect(acks["cmd-confirm"]?.detail == "no request \"never-sent\" was sent to this BACS")
                #expect(acks["cmd-realise"]?.detail == "2 step(s) realized, 1 above the potential")
                #expect(host.logs.contains { $0.message.contains("askFlex not answered, sending it once more") })
            }
            #expect(asks.load(ordering: .relaxed) == 2)
            let alarms = host.published.filter { $0.kind == .alarm }.compactMap { try? $0.decode(EnergyAlarm.self) }
            #expect(alarms.map(\.code) == ["flex_realized_above_potential"], "\(alarms)")
            #expect(alarms.first?.message.contains("2025-04-02T10:15:00: 80 kW") == true && alarms.first?.message.contains("(50 kW)") == true)
            let realizations = host.published.filter { $0.kind == .flexRealization }.compactMap { try? $0.decode(EnergyFlexRealization.self) }
            #expect(realizations.map(\.power) == [40_000, 80_000] && realizations.map(\.energy) == [10_000, 20_000])
        }
    }

    @Test(.timeLimit(.minutes(1))) func anUnreachableBACSFailsTheCommandAfterOneRetryAndRaisesTheAlarm() async throws {
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(FlexReadyAdapter.self, configuration: """
            {"operator": {"bacs_url": "http://127.0.0.1:\(LoopbackPort.free())", "bacs_id": "b", "asset_id": "a", "level": 1}}
            """)
        try await host.run(adapter) { host in
            try await host.deliver([try OperatorCommandEvents.event("get_assets", "t")], to: adapter)
            let acks = await OperatorCommandEvents.acks(host, count: 1)
            #expect(acks.first?.outcome == "failed" && acks.first?.detail.contains("no answer from the BACS after a retry") == true, "\(acks)")
        }
        let alarms = host.published.filter { $0.kind == .alarm }.compactMap { try? $0.decode(EnergyAlarm.self) }
        #expect(alarms.map(\.code) == ["flex_bacs_unreachable"] && alarms.first?.active == true)
    }
}

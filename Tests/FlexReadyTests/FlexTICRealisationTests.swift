import AdapterKit
import AdapterKitHTTPClient
import AdapterKitTesting
import EnergyFlexReady
import EnergyTIC
import Foundation
import Testing

/// Realized power from a TIC meter's own output: Linky historic frames (composed from Enedis's
/// specification, one a minute) go through the TIC adapter's session, its measurements reach the
/// FlexReady adapter stamped as the TIC adapter stamps them, and realiseFlexRequest answers the
/// quarter-hour means computed by hand, on the French daylight-saving day (2025-03-30, clocks
/// forward at 01:00 GMT), with a 22-minute silence of the meter.
@Suite struct FlexTICRealisationTests {
    static let start = FlexTime(parsing: "2025-03-30T00:00:00")!

    /// `BASE` index (Wh) → one historic frame.
    static func frame(index: Int) -> [UInt8] {
        let groups = [("ADCO", "021861348497"), ("OPTARIF", "BASE"), ("ISOUSC", "45"), ("BASE", String(format: "%09d", index)),
                      ("PTEC", "TH.."), ("IINST", "010"), ("IMAX", "090"), ("PAPP", "02300"), ("MOTDETAT", "000000")]
        return [0x02] + groups.flatMap { TICGroup(label: $0.0, horodate: nil, data: $0.1).encoded(mode: .historic) } + [0x03]
    }

    /// The TIC session's measurements of a frame a minute from 00:00 to 03:00 GMT: 3 kW the first
    /// hour, 6 kW the second, 1.2 kW the third; nothing from 01:20 to 01:40 (exclusive).
    static func replayedMeasurements() throws -> [Event] {
        var session = TICSession(reader: TICReader(family: .linkyHistoric), parity: .none, linkTimeout: .seconds(600), deviceID: nil, defaultDeviceID: "tic")
        var index = 5_000_000, events: [Event] = []
        for minute in 0...180 {
            defer { index += minute < 60 ? 50 : minute < 120 ? 100 : 20 }  // Wh a minute: 3, 6, 1.2 kW
            if (80..<101).contains(minute) { continue }  // the meter is silent
            var publications: [TICSession.Publication] = []
            session.consume(frame(index: index), at: .seconds(minute * 60), into: &publications)
            for case .measurement(let payload) in publications {
                var event = Event(
                    topic: "sites/test-site/tic/measurements", kind: .measurement,
                    time: EventTime(nanosecondsSinceEpoch: (start.secondsSinceEpoch + Int64(minute) * 60) * 1_000_000_000), payload: payload.bytes)
                event.source = "tic"
                events.append(event)
            }
        }
        return events
    }

    @Test(.timeLimit(.minutes(1))) func realizedPowerFromReplayedTICFramesIsTheHandComputedQuarterHourMeans() async throws {
        let events = try Self.replayedMeasurements()
        #expect(events.count == 160)
        let port = LoopbackPort.free()
        let now = Self.start.adding(seconds: 3 * 3600 + 1800)
        let host = try InMemoryHost(now: { EventTime(nanosecondsSinceEpoch: now.secondsSinceEpoch * 1_000_000_000) })
        let adapter = try host.makeAdapter(FlexReadyAdapter.self, configuration: """
            {"port": \(port), "allow_anonymous": true, "meters": {"site/whole": "tic"},
             "bacs": [{"id": "site", "level": 1, "assets": [{"id": "whole", "flex_product": "WID", "potentials": [
               {"power_kw": 10, "max_duration_min": 240, "windows": [{"start": "2025-03-30T00:00:00", "end": "2025-03-30T04:00:00"}]}]}]}]}
            """)
        try await host.run(adapter) { host in
            try await host.deliver(events, to: adapter)
            try await HTTPClientResource.run(HTTPClientSettings(baseURL: "http://127.0.0.1:\(port)/bacs/site/assets/whole"), resolvePath: { $0 }) { client in
                let ask = #"{"requestID": "dst-day", "flexProduct": "WID", "power": [{"power": {"unit": "W", "multiplier": "k", "value": 2}, "start": "2025-03-30T00:00:00", "end": "2025-03-30T04:00:00"}]}"#
                for _ in 0..<200 {  // the server starts with the adapter
                    if (try? await client.send(.json("POST", path: "/flexibilities/request", body: Array(ask.utf8)))) != nil { break }
                    try await Task.sleep(for: .milliseconds(25))
                }
                let answer = try JSONValue.parse(try await client.send(HTTPRequestSpec(path: "/flexibilities/request/dst-day/consumptions")).text)
                let reported = (answer.arrayValue?.first?["reported"]?.arrayValue ?? []).map { slot in
                    "\(slot["start"]?.stringValue ?? "") \(slot["power"]?["value"]?.numberValue.map { JSONValue.format($0) } ?? "?") \(slot["power"]?["multiplier"]?.stringValue ?? "")"
                }
                // By hand: (index at the quarter's end − index at its start) ÷ 0.25 h. The quarters of
                // 01:15 and 01:30 hold the silence (readings 22 minutes apart): left out, not guessed.
                #expect(reported == [
                    "2025-03-30T00:00:00 3 k", "2025-03-30T00:15:00 3 k", "2025-03-30T00:30:00 3 k", "2025-03-30T00:45:00 3 k",
                    "2025-03-30T01:00:00 6 k", "2025-03-30T01:45:00 6 k",
                    "2025-03-30T02:00:00 1.2 k", "2025-03-30T02:15:00 1.2 k", "2025-03-30T02:30:00 1.2 k", "2025-03-30T02:45:00 1.2 k",
                ], "\(reported)")
            }
        }
    }
}

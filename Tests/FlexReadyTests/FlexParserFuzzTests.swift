import AdapterKit
import AdapterKitTesting
@testable import EnergyFlexReady
import Foundation
import Testing

/// Bounded random-input runs over what the FlexReady adapter reads from the network: askFlex and
/// confirmation bodies through the BACS service (on a real SQLite file), the supplier's and
/// EcoWatt's answers. Each mutated input is answered 200, 400 or 422 (a body), or refused with a
/// message; none crashes, none is a server error. Seeded, so a failure reproduces.
@Suite struct FlexParserFuzzTests {
    static let ask = FlexBACSServerTests.fits
    static let confirmation = FlexBACSServerTests.confirmation

    @Test(.timeLimit(.minutes(1))) func mutatedRequestsAreAnsweredWithAStatusAndAReason() async throws {
        let service = try await FlexBACSService(
            bacs: FlexEmulatorDataSet.bacs(level: .two), storePath: try FlexConcurrentRequestTests.temporaryPath(), now: { FlexBACSServerTests.now })
        var generator = SeededGenerator(seed: 0xF1E8)
        var statuses: [Int: Int] = [:]
        for iteration in 0..<3000 {
            let confirm = iteration % 3 == 2
            let body = generator.mutate(Array((confirm ? Self.confirmation : Self.ask).utf8))
            let answer = confirm
                ? await service.confirm(bacsID: FlexEmulatorDataSet.bacs2, assetID: "WholeBuilding", requestID: "req-001", body: body)
                : await service.ask(bacsID: FlexEmulatorDataSet.bacs2, assetID: "WholeBuilding", body: body)
            statuses[answer.status, default: 0] += 1
            #expect([200, 400, 404, 422].contains(answer.status), "\(String(decoding: body, as: UTF8.self)) → \(answer.body.jsonText)")
            let message: String = answer.body["error"]?.stringValue ?? ""
            #expect(answer.status == 200 || !message.isEmpty, "\(answer.body.jsonText)")
        }
        // The mutations reach past the JSON parser: some bodies are valid and answered.
        #expect(statuses[400, default: 0] > 0 && statuses[200, default: 0] > 0, "\(statuses)")
    }

    @Test func mutatedSignalsAreReadOrRefusedWithAMessage() throws {
        let supplier = #"{"FileGeneration": "2025-04-02T09:00:00+02:00", "DP": "30001234567890", "DateTimeInterval": 1, "Values": [{"Step": 1, "Day": "2025-04-02T09:00:00+02:00", "Power": 36, "Cost": 0.25, "CO2": 40}, {"Step": 2, "Day": "2025-04-02T09:15:00+02:00", "Power": 36, "Cost": 0.25, "CO2": ""}]}"#
        let ecowatt = #"{"signals": [{"GenerationFichier": "2025-04-02T09:00:00+02:00", "jour": "2025-04-02T00:00:00+02:00", "dvalue": 2, "message": "x", "values": [{"pas": 0, "hvalue": 0}, {"pas": 18, "hvalue": 2}]}]}"#
        var generator = SeededGenerator(seed: 0xEC0)
        var read = 0
        for iteration in 0..<4000 {
            let text = String(decoding: generator.mutate(Array((iteration % 2 == 0 ? supplier : ecowatt).utf8)), as: UTF8.self)
            do {
                let signals = iteration % 2 == 0
                    ? try SupplierSignal.signals(in: text, deliveryPoint: "30001234567890") : try EcoWattSignal.signals(in: text)
                #expect(signals.allSatisfy { EventTime($0.end).nanosecondsSinceEpoch > EventTime($0.start).nanosecondsSinceEpoch })
                read += 1
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
        #expect(read > 0)
    }
}

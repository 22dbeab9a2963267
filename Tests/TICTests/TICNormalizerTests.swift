import AdapterKit
import Foundation
import EnergyTIC
import Testing

/// Frames become measurements in the normalized vocabulary: SI units, registers, phases, meter
/// time in UTC, tariff period, raw labels.
@Suite struct TICNormalizerTests {
    private func onlyFrame(_ file: String, _ family: TICFamily) throws -> TICFrame {
        let frames = TICFixtures.frames(TICFixtures.read(try TICFixtures.bytes(file), with: TICReader(family: family)))
        try #require(frames.count == 1)
        return frames[0]
    }

    @Test func aLinkyHistoricFrame() throws {
        let frame = try onlyFrame("linky-historic-enedis-tic2websocket.tic", .linkyHistoric)
        let measurement = TICNormalizer(family: .linkyHistoric, defaultDeviceID: "tic").measurement(of: frame)
        #expect(measurement.deviceID == "812164417227")
        #expect(measurement.tariffPeriod == "TH")
        let base = try #require(measurement.value(of: .activeEnergyImport, register: "BASE"))
        #expect(base.value == 104 && base.unit == "Wh")
        #expect(measurement.raw["ADCO"] == "812164417227")
        #expect(measurement.raw["PTEC"] == "TH..")
        #expect(measurement.value(of: .apparentPowerImport)?.unit == "VA")
        #expect(!measurement.hasMeterTime)  // historic frames carry no clock
    }

    @Test func aLinkyStandardFrame() throws {
        let frame = try onlyFrame("linky-standard-enedis-tic2websocket.tic", .linkyStandard)
        let measurement = TICNormalizer(family: .linkyStandard, defaultDeviceID: "tic").measurement(of: frame)
        #expect(measurement.raw["DATE.horodate"] == "E170915101601")
        // Summer time (E): UTC+2.
        #expect(EventTime(measurement.meterTime).description == "2017-09-15T08:16:01Z")
        #expect(measurement.value(of: .activeEnergyImport, register: "total") != nil)
        #expect(measurement.value(of: .activeEnergyImport, register: "EASF01") != nil)
        let pref = try #require(measurement.value(of: .subscribedPower))
        #expect(pref.unit == "VA" && pref.value == Double(frame.data("PREF")!)! * 1000)
        #expect(measurement.value(of: .voltage, phase: 1)?.unit == "V")
        #expect(measurement.value(of: .current, phase: 1)?.unit == "A")
        #expect(measurement.tariffPeriod == frame.data("LTARF")!.trimmingCharacters(in: .whitespaces))
        #expect(measurement.deviceID == frame.data("ADSC"))
    }

    @Test func threePhaseValuesCarryTheirPhase() throws {
        let outputs = TICFixtures.read(try TICFixtures.bytes("linky-standard-triphase-tempo-tasmota-issue38.tic"),
                                       with: TICReader(family: .linkyStandard))
        let frame = TICFrame(groups: TICFixtures.groups(outputs))
        let measurement = TICNormalizer(family: .linkyStandard, defaultDeviceID: "tic").measurement(of: frame)
        for phase: UInt32 in 1...3 {
            #expect(measurement.value(of: .voltage, phase: phase) != nil, "URMS\(phase)")
            #expect(measurement.value(of: .apparentPowerImport, phase: phase) != nil, "SINSTS\(phase)")
        }
    }
}

import AdapterKit
import EnergyTIC
import Testing

/// PME-PMI frames composed from 02E §2.9 (no public capture exists): both configurations, both
/// calendars, palier 2013, units glued to values, PREAVIS, a negative TGPHI, case variants, a bad
/// checksum, an EOT, a checksum equal to SP.
@Suite struct TICPMEPMITests {
    static let conso: [(String, String)] = [
        ("TRAME", "STD"), ("ADS", "0C1234567890"), ("MESURES1", "BT 4 SUP36"), ("DATE", "23/01/22 14:32:10"),
        ("EA_s", "123456Wh"), ("ER+_s", "2345varh"), ("ER-_s", "0varh"), ("EAPP_s", "130000VAh"),
        ("PTCOUR1", "HPH"), ("TARIFDYN", "INACTIF"), ("CONFIG", "CONSO"),
        ("DATEPA1", "23/01/22 14:30:00"), ("PA1_s", "250kW"), ("PA1_i", "0TkW"),
        ("DebP", "01/01/22 00:00:00"), ("EAP_s", "1234567kWh"), ("EAP-1_s", "4567kWh"),
        ("PS", "300kVA"), ("PREAVIS", "DEP"), ("PA1MN", "280kW"), ("PMAX_s", "290kVA"), ("TGPHI_s", "-0,25"),
        ("MESURES2", "HTA 5"), ("PTCOUR2", "HP"), ("DebP_2", "01/01/22 00:00:00"), ("EaP_s2", "45678kWh"),
    ]

    static let prod: [(String, String)] = [
        ("ADS", "0C1234567891"), ("MESURES1", "HTA 8"), ("DATE", "15/07/24 12:00:00"), ("EA_s", "10Wh"),
        ("EA_i", "5000Wh"), ("ER+_i", "100varh"), ("PTCOUR1", "P"), ("CONFIG", "PROD"), ("PS", "500kW"),
        ("TGPHI_i", "0,40"), ("EAP_i", "77kWh"), ("MESURES2", "HTA 8"), ("PTCOUR2", "HCE"),
    ]

    private func read(_ bytes: [UInt8], chunk: Int? = nil) -> [TICReader.Output] {
        TICFixtures.read(bytes, with: TICReader(family: .pmePmi), chunk: chunk)
    }

    @Test func aConsoFrameWithBothCalendarsNormalizes() throws {
        let bytes = TICCompose.frame(Self.conso, mode: .pmePmi)
        let outputs = read(bytes)
        #expect(TICFixtures.rejections(outputs).isEmpty, "\(TICFixtures.rejections(outputs))")
        let frame = try #require(TICFixtures.frames(outputs).first)
        #expect(frame.groups.count == Self.conso.count)
        #expect(read(bytes, chunk: 1) == outputs)
        let normalizer = TICNormalizer(family: .pmePmi, defaultDeviceID: "tic")
        let measurement = normalizer.measurement(of: frame)
        #expect(measurement.deviceID == "0C1234567890")
        #expect(measurement.tariffPeriod == "HPH")
        #expect(EventTime(measurement.meterTime).description == "2022-01-23T13:32:10Z")  // winter: UTC+1
        let ps = try #require(measurement.value(of: .subscribedPower))
        #expect(ps.value == 300_000 && ps.unit == "VA")
        #expect(measurement.value(of: .activeEnergyImport, register: "EA_s")?.value == 123_456)
        #expect(measurement.value(of: .activeEnergyImport, register: "EAP_s")?.value == 1_234_567_000)
        #expect(measurement.value(of: .activeEnergyImport, register: "EAP-1_s")?.value == 4_567_000)  // case variant of EaP-1_s
        #expect(measurement.value(of: .activeEnergyImport, register: "EaP_s2")?.value == 45_678_000)
        #expect(measurement.value(of: .activePowerImport)?.value == 280_000)
        #expect(measurement.value(of: .reactiveEnergyQ1)?.value == 2345)
        #expect(measurement.value(of: .apparentEnergy)?.unit == "VAh")
        #expect(measurement.value(of: .tanPhi, register: "import")?.value == -0.25)
        #expect(measurement.raw["MESURES1"] == "BT 4 SUP36")
        #expect(measurement.raw["MESURES2"] == "HTA 5")
        #expect(measurement.raw["PA1_i"] == "0TkW")
        #expect(normalizer.alarms(in: frame).map(\.code) == ["preavis"])
    }

    @Test func aProdFrameStatesItsSubscribedPowerInWatts() throws {
        let frame = try #require(TICFixtures.frames(read(TICCompose.frame(Self.prod, mode: .pmePmi))).first)
        #expect(!frame.isDegraded)
        let measurement = TICNormalizer(family: .pmePmi, defaultDeviceID: "tic").measurement(of: frame)
        let ps = try #require(measurement.value(of: .subscribedPower))
        #expect(ps.value == 500_000 && ps.unit == "W")
        #expect(measurement.value(of: .activeEnergyExport, register: "EA_i")?.value == 5000)
        #expect(measurement.value(of: .reactiveEnergyQ2)?.value == 100)
        #expect(measurement.value(of: .tanPhi, register: "export")?.value == 0.4)
        #expect(EventTime(measurement.meterTime).description == "2024-07-15T10:00:00Z")  // summer: UTC+2
        #expect(TICNormalizer(family: .pmePmi, defaultDeviceID: "tic").alarms(in: frame).isEmpty)
    }

    @Test func wrongUnitsAndMalformedValuesAreRefused() {
        let groups: [(String, String)] = [("PS", "300kWh"), ("EA_s", "12kWh"), ("TGPHI_s", "-0.25"), ("DATE", "32/01/22 14:32:10"), ("PA1MN", "280")]
        let outputs = read(TICCompose.frame(groups, mode: .pmePmi))
        #expect(TICFixtures.rejections(outputs) == Array(repeating: .invalidField, count: groups.count))
    }

    @Test func aBadChecksumAndAnEOTAndAChecksumEqualToSP() throws {
        // Find an EA_s value whose group's checksum is SP: the group then ends SP SP CR.
        let value = try #require((0..<100_000).lazy.map { "\($0)Wh" }.first { TICCompose.group("EA_s", $0, mode: .pmePmi).suffix(3) == [0x20, 0x20, 0x0D] })
        var bad = TICCompose.group("PS", "300kVA", mode: .pmePmi)
        bad[bad.count - 2] ^= 0x01
        let first = [0x02] + TICCompose.group("MESURES1", "BT 4 SUP36", mode: .pmePmi) + TICCompose.group("EA_s", value, mode: .pmePmi)
            + bad + [0x03]
        let interrupted = [0x02] + TICCompose.group("MESURES1", "BT 4 SUP36", mode: .pmePmi) + [0x04]
        let outputs = read(first + interrupted + TICCompose.frame(Self.conso, mode: .pmePmi))
        let frames = TICFixtures.frames(outputs)
        #expect(frames.count == 2)
        #expect(frames[0].data("EA_s") == value)
        #expect(frames[0].rejected.map(\.reason) == [.checksum])
        #expect(outputs.contains { if case .interrupted = $0 { true } else { false } })
    }

    @Test func aPeriodNamePaddedWithSpacesIsAcceptedAndPublishedTrimmed() throws {
        // Meters pad the period name to three characters: `P  ` (tic2json accepts it too).
        let groups: [(String, String)] = [("ADS", "0C1234567891"), ("PTCOUR1", "P  "), ("PTCOUR2", "HC "), ("EA_s", "10Wh")]
        let outputs = read(TICCompose.frame(groups, mode: .pmePmi))
        #expect(TICFixtures.rejections(outputs).isEmpty, "\(TICFixtures.rejections(outputs))")
        let frame = try #require(TICFixtures.frames(outputs).first)
        let measurement = TICNormalizer(family: .pmePmi, defaultDeviceID: "tic").measurement(of: frame)
        #expect(measurement.tariffPeriod == "P")
        #expect(measurement.raw["PTCOUR1"] == "P  ")  // raw keeps the data as sent
        #expect(measurement.raw["PTCOUR2"] == "HC ")
    }

    @Test func onlyTrailingSpacesPadAPeriodName() {
        let groups: [(String, String)] = [("PTCOUR1", "  P"), ("PTCOUR1", "   "), ("PTCOUR2", "H P"), ("PTCOUR1", "HPHC")]
        let outputs = read(TICCompose.frame(groups, mode: .pmePmi))
        #expect(TICFixtures.rejections(outputs) == Array(repeating: .invalidField, count: groups.count))
    }
}

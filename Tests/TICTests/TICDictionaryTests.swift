import AdapterKit
import Foundation
import EnergyTIC
import Testing

/// The label dictionaries over the real captures: every clean group passes the width, character
/// and horodate checks; what the 6-bit checksum cannot see, they catch.
@Suite struct TICDictionaryTests {
    static let clean: [(String, TICFamily)] = [
        ("linky-historic-enedis-tic2websocket.tic", .linkyHistoric),
        ("linky-standard-enedis-tic2websocket.tic", .linkyStandard),
        ("historic-triphase-base-nextdom-issue24.tic", .linkyHistoric),
        ("historic-eot-linkytic-issue9.tic", .linkyHistoric),
        ("linky-standard-triphase-tempo-tasmota-issue38.tic", .linkyStandard),
        ("linky-standard-triphase-base-esphome-issue2060.tic", .linkyStandard),
        ("linky-standard-triphase-uartdebug-esphome-issue4690.tic", .linkyStandard),
        ("linky-standard-producteur-nextdom-issue20.tic", .linkyStandard),
    ]

    @Test(arguments: clean.map(\.0))
    func everyGroupOfACleanCapturePassesTheDictionary(file: String) throws {
        let family = Self.clean.first { $0.0 == file }!.1
        let bytes = try TICFixtures.bytes(file)
        let whole = TICFixtures.read(bytes, with: TICReader(family: family))
        #expect(TICFixtures.rejections(whole).isEmpty, "\(TICFixtures.rejections(whole))")
        let decoded = TICSummary(TICFixtures.decode(bytes, mode: family.checksum))
        #expect(TICFixtures.groups(whole).count == decoded.groups.count)
        // Unknown labels would be kept raw; every label of these captures is in the dictionary.
        for group in TICFixtures.groups(whole) {
            #expect(family.entry(for: group.label) != nil, "\(group.label) not in \(family.name)")
        }
        #expect(TICFixtures.read(bytes, with: TICReader(family: family), chunk: 1) == whole)
    }

    @Test func theNoisyTempoStreamKeepsItsSevenFramesAndPublishesNoCorruptedValue() throws {
        let bytes = try TICFixtures.bytes("linky-standard-tempo-stream-teleinfo-nom.tic")
        let outputs = TICFixtures.read(bytes, with: TICReader(family: .linkyStandard))
        let frames = TICFixtures.frames(outputs)
        #expect(frames.count == 7)
        let rejections = TICFixtures.rejections(outputs)
        #expect(rejections.filter { $0 == .checksum }.count == 13)
        #expect(rejections.count == 16, "\(rejections)")
        // Every value that passed is well formed: indexes are 9 digits, NTARF 2 digits.
        for group in TICFixtures.groups(outputs) where group.label.hasPrefix("EASF") {
            #expect(group.data.count == 9 && group.data.allSatisfy(\.isNumber), "\(group)")
        }
        #expect(TICFixtures.read(bytes, with: TICReader(family: .linkyStandard), chunk: 1) == outputs)
    }

    @Test func theBadPCOUPChecksumDegradesItsFrameOnly() throws {
        let outputs = TICFixtures.read(try TICFixtures.bytes("linky-standard-badchecksum-pcoup-enedis-tic2websocket.tic"),
                                       with: TICReader(family: .linkyStandard))
        let frames = TICFixtures.frames(outputs)
        #expect(frames.count == 1)
        #expect(frames[0].groups.count == 37)
        #expect(frames[0].isDegraded)
        #expect(frames[0].data("PCOUP") == nil)
        #expect(frames[0].data("PREF") != nil)
    }

    @Test func producerAndThreePhaseValuesAreRead() throws {
        let producer = TICFixtures.groups(TICFixtures.read(try TICFixtures.bytes("linky-standard-producteur-nextdom-issue20.tic"),
                                                           with: TICReader(family: .linkyStandard)))
        #expect(producer.first { $0.label == "NGTF" }?.data == "   PRODUCTEUR   ")
        #expect(producer.first { $0.label == "LTARF" }?.data == " INDEX NON CONSO")
        let historic = TICFixtures.groups(TICFixtures.read(try TICFixtures.bytes("historic-triphase-base-nextdom-issue24.tic"),
                                                           with: TICReader(family: .linkyHistoric)))
        #expect(historic.first { $0.label == "PPOT" }?.data == "00")
        #expect(Set(historic.map(\.label)).isSuperset(of: ["IINST1", "IINST2", "IINST3", "IMAX1", "IMAX2", "IMAX3", "PMAX"]))
    }

    @Test func whatTheChecksumCannotSeeTheFieldChecksCatch() {
        // `1` (0x31) → `q` (0x71) adds 64: the same checksum, a corrupted index (WTeleInfo issue 4).
        let good = TICCompose.group("BASE", "000000104", mode: .historic)
        let flipped = TICCompose.group("BASE", "000000q04", mode: .historic)
        #expect(good.suffix(2) == flipped.suffix(2))
        let outputs = TICFixtures.read([0x02] + good + flipped + [0x03], with: TICReader(family: .linkyHistoric))
        #expect(TICFixtures.groups(outputs).map(\.data) == ["000000104"])
        #expect(TICFixtures.rejections(outputs) == [.invalidField])
        // Two missing characters: a wrong width.
        let short = TICCompose.group("IINST", "1", mode: .historic)
        #expect(TICFixtures.rejections(TICFixtures.read(short, with: TICReader(family: .linkyHistoric))) == [.invalidField])
    }

    @Test func horodatesMustMatchTheLabelAndHaveASeason() {
        let standard = TICReader(family: .linkyStandard)
        func reasons(_ bytes: [UInt8]) -> [TICRejectedGroup.Reason] { TICFixtures.rejections(TICFixtures.read(bytes, with: standard)) }
        // DPM1 with a season SP is valid (teleinfo2mqtt issue 47); lowercase seasons too.
        #expect(reasons(TICCompose.group("DPM1", "00", mode: .standard, horodate: " 230214060000")).isEmpty)
        #expect(reasons(TICCompose.group("SMAXSN", "04536", mode: .standard, horodate: "e230712084949")).isEmpty)
        #expect(reasons(TICCompose.group("SMAXSN", "04536", mode: .standard, horodate: "X230712084949")) == [.invalidField])
        #expect(reasons(TICCompose.group("SMAXSN", "04536", mode: .standard, horodate: "E231312084949")) == [.invalidField])
        #expect(reasons(TICCompose.group("SMAXSN", "04536", mode: .standard)) == [.invalidField])
        #expect(reasons(TICCompose.group("EAST", "000000001", mode: .standard, horodate: "E230712084949")) == [.invalidField])
        // ISKRA meters write `_` for `-`; unknown labels pass with their checksum only.
        #expect(reasons(TICCompose.group("SMAXSN_1", "04536", mode: .standard, horodate: "E230712084949")).isEmpty)
        #expect(TICFixtures.groups(TICFixtures.read(TICCompose.group("NEWLBL", "anything goes", mode: .standard), with: standard))
            .map(\.label) == ["NEWLBL"])
    }

    @Test func aFamilyLoadsFromJSONWithTheSameMeaning() throws {
        let json = #"""
            {"name": "example", "checksum": "historic", "baud_rates": [1200], "identifying_labels": ["ID"],
             "labels": [
               {"name": "ID", "format": {"characters": "digits", "width": 4}, "role": "device_id"},
               {"name": "KDC", "format": {"characters": "digits", "min_width": 2, "max_width": 3}},
               {"name": "P", "format": {"characters": "digits", "min_width": 1, "max_width": 5, "units": ["kW"]},
                "quantity": "active_power_import"}
             ]}
            """#
        let family = try JSONDecoder().decode(TICFamily.self, from: Data(json.utf8))
        #expect(family.entry(for: "KDC")?.format == TICFieldFormat(.digits, width: 2...3))
        let frame = TICCompose.frame([("ID", "0042"), ("KDC", "90"), ("P", "120kW")], mode: .historic)
        let frames = TICFixtures.frames(TICFixtures.read(frame, with: TICReader(family: family)))
        let measurement = TICNormalizer(family: family, defaultDeviceID: "x").measurement(of: frames[0])
        #expect(measurement.deviceID == "0042")
        #expect(measurement.value(of: .activePowerImport)?.value == 120_000)
        let bad = #"{"name": "bad", "checksum": "historic", "labels": [{"name": "X", "format": {"characters": "digits"}}]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TICFamily.self, from: Data(bad.utf8)) }
        let unknownQuantity = #"{"name": "bad", "checksum": "historic", "labels": [{"name": "X", "format": {"characters": "digits", "width": 1}, "quantity": "watts"}]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TICFamily.self, from: Data(unknownQuantity.utf8)) }
    }

    @Test func aFamilyChangedInPlaceChecksWithItsNewLabelsAndRules() {
        var family = TICFamily.linkyHistoric
        let label = TICCompose.group("PAPP", "0x270", mode: .historic)
        #expect(TICFixtures.rejections(TICFixtures.read(label, with: TICReader(family: family))) == [.invalidField])
        family.labels.removeAll { $0.name == "PAPP" }  // now unknown: the checksum is the only check
        #expect(family.entry(for: "PAPP") == nil)
        #expect(TICFixtures.groups(TICFixtures.read(label, with: TICReader(family: family))).map(\.data) == ["0x270"])
        family.labels.append(TICLabel("PAPP", TICFieldFormat(.digits, width: 5)))
        #expect(TICFixtures.rejections(TICFixtures.read(label, with: TICReader(family: family))) == [.invalidField])
        #expect(family.entry(for: "papp") == nil)
        family.caseInsensitiveLabels = true
        #expect(family.entry(for: "papp")?.format == TICFieldFormat(.digits, width: 5))
        family.identifyingLabels = ["PAPP"]
        let detected = TICFixtures.read(TICCompose.frame([("papp", "00270")], mode: .historic), with: TICReader(detecting: [family], lockAfter: 1))
        #expect(TICFixtures.frames(detected).first?.groups == [TICGroup(label: "papp", data: "00270")])
    }

    @Test func builtInFamiliesRoundTripThroughJSON() throws {
        for family in TICFamily.builtIn {
            let decoded = try JSONDecoder().decode(TICFamily.self, from: try JSONEncoder().encode(family))
            #expect(decoded.labels == family.labels)
            #expect(decoded.name == family.name)
        }
    }
}

/// The example family of docs/tic.md decodes and means what the page says.
@Suite struct TICDocumentationTests {
    @Test func theDocumentedExampleFamilyWorksAsDescribed() throws {
        let page = try String(contentsOf: TICFixtures.repositoryRoot.appendingPathComponent("docs/tic.md"), encoding: .utf8)
        let start = try #require(page.range(of: "```json\n{\n  \"name\": \"saphir-example\""))
        let end = try #require(page.range(of: "\n```", range: start.upperBound..<page.endIndex))
        let json = page[page.index(start.lowerBound, offsetBy: "```json\n".count)..<end.lowerBound]
        let family = try JSONDecoder().decode(TICFamily.self, from: Data(json.utf8))
        let frame = TICCompose.frame([("IDSAPH", "SAPH00000042"), ("EAPOS", "1234kWh"), ("PSOUS", "036")], mode: .historic)
        let frames = TICFixtures.frames(TICFixtures.read(frame, with: TICReader(family: family)))
        let measurement = TICNormalizer(family: family, defaultDeviceID: "x").measurement(of: try #require(frames.first))
        #expect(measurement.deviceID == "SAPH00000042")
        #expect(measurement.value(of: .activeEnergyImport, register: "total")?.value == 1_234_000)
        #expect(measurement.value(of: .subscribedPower)?.value == 36_000)
    }
}

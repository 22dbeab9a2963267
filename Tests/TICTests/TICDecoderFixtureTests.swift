import Foundation
import EnergyTIC
import Testing

/// Every capture of `Tests/Fixtures/tic`, with the expectations of tic.md §14 and SOURCES.md.
@Suite struct TICDecoderFixtureTests {
    struct Expectation: Sendable, CustomStringConvertible {
        var file: String
        var mode: TICChecksumMode
        var groups: Int
        var rejected: [TICRejectedGroup.Reason]
        var completeFrames: Int
        var description: String { file }
    }

    static let expectations: [Expectation] = [
        .init(file: "linky-historic-enedis-tic2websocket.tic", mode: .historic, groups: 9, rejected: [], completeFrames: 1),
        .init(file: "linky-standard-enedis-tic2websocket.tic", mode: .standard, groups: 38, rejected: [], completeFrames: 1),
        .init(file: "linky-standard-badchecksum-pcoup-enedis-tic2websocket.tic", mode: .standard, groups: 37,
              rejected: [.checksum], completeFrames: 1),
        // The capture ends with `HHPHC A` CR: cut short, its last byte is taken for a checksum that fails.
        .init(file: "historic-tempo-stream-teleinfo-nom.tic", mode: .historic, groups: 38, rejected: [.checksum],
              completeFrames: 1),
        .init(file: "historic-eot-linkytic-issue9.tic", mode: .historic, groups: 1, rejected: [],
              completeFrames: 0),
        .init(file: "historic-triphase-base-nextdom-issue24.tic", mode: .historic, groups: 15, rejected: [], completeFrames: 0),
        .init(file: "linky-standard-triphase-tempo-tasmota-issue38.tic", mode: .standard, groups: 50, rejected: [],
              completeFrames: 0),
        .init(file: "linky-standard-triphase-base-esphome-issue2060.tic", mode: .standard, groups: 38, rejected: [],
              completeFrames: 0),
        .init(file: "linky-standard-triphase-uartdebug-esphome-issue4690.tic", mode: .standard, groups: 22, rejected: [],
              completeFrames: 0),
        .init(file: "linky-standard-dropped-digit-esphome-issue4690.tic", mode: .standard, groups: 0, rejected: [.checksum],
              completeFrames: 0),
        .init(file: "linky-standard-corrupted-lf-linkytic-issue67.tic", mode: .standard, groups: 5, rejected: [],
              completeFrames: 0),
        .init(file: "linky-standard-producteur-nextdom-issue20.tic", mode: .standard, groups: 12, rejected: [],
              completeFrames: 0),
    ]

    @Test(arguments: expectations)
    func decodesTheCapture(_ expectation: Expectation) throws {
        let summary = TICSummary(TICFixtures.decode(try TICFixtures.bytes(expectation.file), mode: expectation.mode))
        #expect(summary.groups.count == expectation.groups, "\(summary)")
        #expect(summary.rejected.map(\.reason) == expectation.rejected, "\(summary)")
        #expect(summary.completeFrames == expectation.completeFrames, "\(summary)")
    }

    @Test(arguments: expectations.map(\.file) + ["linky-standard-tempo-stream-teleinfo-nom.tic"], [1, 7, 64])
    func theChunkingDoesNotChangeTheOutputs(_ file: String, chunk: Int) throws {
        let bytes = try TICFixtures.bytes(file)
        let mode: TICChecksumMode = file.contains("standard") ? .standard : .historic
        #expect(TICFixtures.decode(bytes, mode: mode, chunk: chunk) == TICFixtures.decode(bytes, mode: mode))
    }

    @Test func aNoisyStandardStreamKeepsOnlyValidGroups() throws {
        let bytes = try TICFixtures.bytes("linky-standard-tempo-stream-teleinfo-nom.tic")
        let summary = TICSummary(TICFixtures.decode(bytes, mode: .standard))
        #expect(summary.completeFrames == 7, "\(summary)")
        #expect(summary.groups.count == 474, "\(summary)")
        // SOURCES.md counts 487 complete groups, 474 verifying and "15 bad" (474 + 15 ≠ 487): the
        // bytes hold 13 complete groups that fail their checksum and 3 whose CR was garbled
        // (0x0C), which end truncated at the next LF.
        #expect(summary.rejected.filter { $0.reason == .checksum }.count == 13, "\(summary)")
        #expect(summary.rejected.filter { $0.reason == .truncated }.count == 3, "\(summary)")
        // Every value kept is well formed: no control byte and a checksum that verified.
        #expect(summary.groups.allSatisfy { group in group.data.utf8.allSatisfy { (0x20...0x7E).contains($0) } })
    }

    @Test func valuesOfTheCleanFrames() throws {
        let historic = TICSummary(TICFixtures.decode(try TICFixtures.bytes("linky-historic-enedis-tic2websocket.tic"), mode: .historic))
        #expect(historic.data("ADCO") == "812164417227")
        #expect(historic.data("BASE") == "000000104")
        #expect(historic.data("PTEC") == "TH..")
        let standard = TICSummary(TICFixtures.decode(try TICFixtures.bytes("linky-standard-enedis-tic2websocket.tic"), mode: .standard))
        let date = try #require(standard.groups.first { $0.label == "DATE" })
        #expect(date.horodate == "E170915101601")
        #expect(date.data == "")
        let triphase = TICSummary(TICFixtures.decode(try TICFixtures.bytes("historic-triphase-base-nextdom-issue24.tic"), mode: .historic))
        #expect(["IINST1", "IINST2", "IINST3", "IMAX1", "IMAX2", "IMAX3", "PMAX"].allSatisfy { triphase.data($0) != nil })
        #expect(triphase.data("PPOT") == "00")
    }

    @Test func producerModeKeepsSpacePaddedData() throws {
        let summary = TICSummary(TICFixtures.decode(try TICFixtures.bytes("linky-standard-producteur-nextdom-issue20.tic"), mode: .standard))
        #expect(summary.data("NGTF") == "   PRODUCTEUR   ", "\(summary)")
        #expect(summary.data("LTARF") == " INDEX NON CONSO", "\(summary)")
    }

    @Test func horodatedGroupsOfThreePhaseMeters() throws {
        let summary = TICSummary(TICFixtures.decode(
            try TICFixtures.bytes("linky-standard-triphase-base-esphome-issue2060.tic"), mode: .standard))
        let maxima = summary.groups.filter { $0.label.hasPrefix("SMAXSN") }
        #expect(!maxima.isEmpty)
        #expect(maxima.allSatisfy { ($0.horodate?.count ?? 0) == 13 })
    }
}

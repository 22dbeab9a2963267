import Foundation
import EnergyTIC
import Testing

/// Composed streams for what no capture covers.
@Suite struct TICDecoderTests {
    /// `LF label SEP data SEP checksum CR` with the checksum of `mode`.
    static func group(_ label: String, _ data: String, mode: TICChecksumMode, horodate: String? = nil) -> [UInt8] {
        TICCompose.group(label, data, mode: mode, horodate: horodate)
    }

    private func decode(_ bytes: [UInt8], mode: TICChecksumMode) -> TICSummary {
        TICSummary(TICFixtures.decode(bytes, mode: mode))
    }

    @Test func aChecksumEqualToTheSeparatorIsAccepted() {
        // "PTEC HP.." sums to 576, a multiple of 64: the checksum is SP, so the group ends SP SP CR.
        let bytes = Self.group("PTEC", "HP..", mode: .historic)
        #expect(bytes.suffix(3) == [0x20, 0x20, 0x0D])
        let summary = decode([0x02] + bytes + [0x03], mode: .historic)
        #expect(summary.groups == [TICGroup(label: "PTEC", horodate: nil, data: "HP..")])
        #expect(summary.completeFrames == 1)
    }

    @Test func pmePmiDataMayContainTheSeparator() {
        let summary = decode(Self.group("DATE", "23/01/22 14:32:10", mode: .pmePmi), mode: .pmePmi)
        #expect(summary.groups.first?.data == "23/01/22 14:32:10")
    }

    @Test func historicMode2SumsTheTrailingSeparator() {
        var bytes = Array("\nHCHC 000723392 ".utf8)
        bytes.append(TICChecksumMode.checksum(of: Array("HCHC 000723392 ".utf8)))
        bytes.append(0x0D)
        #expect(decode(bytes, mode: .historicMode2).groups.count == 1)
        #expect(decode(bytes, mode: .historic).rejected.map(\.reason) == [.checksum])
    }

    @Test func eotInterruptsTheFrameAndANewOneStartsAtSTX() {
        let bytes = [0x02] + Self.group("ADCO", "021330274552", mode: .historic) + [0x04, 0x02]
            + Self.group("BASE", "000000104", mode: .historic) + [0x03]
        let outputs = TICFixtures.decode(bytes, mode: .historic)
        #expect(outputs.filter { $0 == .frameInterrupted }.count == 1)
        #expect(outputs.last == .frameEnded)
        #expect(TICSummary(outputs).groups.map(\.label) == ["ADCO", "BASE"])
    }

    @Test func aGroupCutByANewLineFeedIsTruncatedAndTheNextOneKept() {
        let bytes = Array("\nPAPP 012".utf8) + Self.group("IINST", "005", mode: .historic)
        let summary = decode(bytes, mode: .historic)
        #expect(summary.rejected.map(\.reason) == [.truncated])
        #expect(summary.groups.map(\.label) == ["IINST"])
    }

    @Test func groupsAreBoundedInSize() {
        let bytes = [0x0A] + [UInt8](repeating: 0x41, count: 10_000) + [0x0D] + Self.group("BASE", "000000104", mode: .historic)
        let summary = decode(bytes, mode: .historic)
        #expect(summary.rejected.map(\.reason) == [.tooLong])
        #expect(summary.rejected.first?.bytes.count == TICDecoder.maximumGroupLength)
        #expect(summary.groups.count == 1)
    }

    @Test func controlBytesAndBadShapesAreRejected() {
        let separatorMissing = Array("\nBASE0000001049\r".utf8)
        let controlByte = Array("\nBA\u{0E}SE 000000104 0\r".utf8)
        let labelTooLong = Self.group("LABEL-LONGER-THAN-16", "1", mode: .historic)
        let summary = decode(separatorMissing + controlByte + labelTooLong, mode: .historic)
        #expect(summary.rejected.map(\.reason) == [.malformed, .invalidCharacter, .malformed])
    }

    @Test func framesWithTooManyGroupsAreInterrupted() {
        var bytes: [UInt8] = [0x02]
        for _ in 0...TICDecoder.maximumGroupsPerFrame { bytes += Self.group("BASE", "000000104", mode: .historic) }
        bytes.append(0x03)
        let outputs = TICFixtures.decode(bytes, mode: .historic)
        #expect(outputs.contains(.frameInterrupted))
        #expect(!outputs.contains(.frameEnded))
    }

    /// Seeded random bytes mixed with valid groups: nothing crashes, valid groups still come out,
    /// and any group that comes out has a verified checksum.
    @Test func randomNoiseNeverProducesAnUnverifiedGroup() {
        var state: UInt64 = 0x5EED
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        var bytes: [UInt8] = []
        for index in 0..<2000 {
            bytes += (0..<Int(next() % 40)).map { _ in next() }
            bytes += Self.group("IINST", String(format: "%03d", index % 1000), mode: .historic)
        }
        let summary = decode(bytes, mode: .historic)
        #expect(summary.groups.count > 1000)
        for group in summary.groups {
            let zone = Array(group.label.utf8) + [0x20] + Array(group.data.utf8)
            #expect(zone.allSatisfy { (0x20...0x7E).contains($0) })
        }
    }
}

@Suite struct TICEOTFixtureTests {
    @Test func theEOTCaptureInterruptsThenRestartsAtSTX() throws {
        let outputs = TICFixtures.decode(try TICFixtures.bytes("historic-eot-linkytic-issue9.tic"), mode: .historic)
        // The capture starts inside a frame: HCHP is kept, EOT interrupts that frame, STX opens a
        // new one that the capture ends inside.
        #expect(outputs.first == .group(TICGroup(label: "HCHP", data: "019571184")))
        #expect(Array(outputs.dropFirst()) == [.frameInterrupted, .frameStarted, .frameInterrupted])
    }
}

import AdapterKit
import EnergyTIC
import Testing

/// The adapter's logic in virtual time: measurements, alarms on appearance and clearing, link
/// lost and back, counters, and auto detection of every family.
@Suite struct TICSessionTests {
    private func historic(_ extra: [(String, String)] = []) -> [UInt8] {
        TICCompose.frame([("ADCO", "812164417227"), ("OPTARIF", "BASE"), ("BASE", "000000104"), ("PTEC", "TH..")] + extra
                         + [("IINST", "045"), ("PAPP", "10350")], mode: .historic)
    }

    private func session(linkTimeout: Duration = .seconds(10)) -> TICSession {
        TICSession(reader: TICReader(family: .linkyHistoric), parity: .none, linkTimeout: linkTimeout, deviceID: nil, defaultDeviceID: "tic")
    }

    private func alarms(_ publications: [TICSession.Publication]) -> [(String, Bool)] {
        publications.compactMap { if case .alarm(let alarm) = $0 { (alarm.code, alarm.active) } else { nil } }
    }

    @Test func alarmsAreRaisedWhenTheirLabelAppearsAndClearedWhenItGoes() {
        var session = session()
        var publications: [TICSession.Publication] = []
        session.consume(historic([("ADPS", "045")]), at: .seconds(1), into: &publications)
        #expect(publications.count == 3)  // status receiving, measurement, alarm
        guard case .status(let status) = publications[0] else { Issue.record("\(publications)"); return }
        #expect(status.available && status.state == "receiving")
        #expect(alarms(publications).map(\.0) == ["adps"] && alarms(publications)[0].1)
        publications.removeAll()
        session.consume(historic([("ADPS", "046")]), at: .seconds(2), into: &publications)
        #expect(alarms(publications).isEmpty)  // still active: not raised again
        publications.removeAll()
        session.consume(historic(), at: .seconds(3), into: &publications)
        #expect(alarms(publications).map(\.0) == ["adps"] && !alarms(publications)[0].1)
    }

    @Test func tenSecondsWithoutAValidFrameLoseTheLinkOnceAndAFrameBringsItBack() {
        var session = session()
        var publications: [TICSession.Publication] = []
        session.checkLink(at: .seconds(9.9), into: &publications)
        #expect(publications.isEmpty)
        session.checkLink(at: .seconds(10), into: &publications)  // never received anything
        #expect(alarms(publications).map(\.0) == ["link_lost"])
        #expect(session.linkUp == false)
        publications.removeAll()
        session.checkLink(at: .seconds(15), into: &publications)
        #expect(publications.isEmpty)
        session.consume(historic(), at: .seconds(16), into: &publications)
        #expect(alarms(publications).map(\.0) == ["link_lost"] && !alarms(publications)[0].1)
        #expect(session.linkUp == true)
        publications.removeAll()
        // Garbage and bad groups do not keep the link up.
        session.consume(Array("\u{02}\nBASE 000000105 X\r\u{03}".utf8), at: .seconds(20), into: &publications)
        session.checkLink(at: .seconds(25.9), into: &publications)
        #expect(alarms(publications).isEmpty)
        session.checkLink(at: .seconds(26), into: &publications)
        #expect(alarms(publications).map(\.0) == ["link_lost"])
    }

    @Test func countersFollowFramesRejectionsAndParity() throws {
        var session = TICSession(reader: TICReader(family: .linkyHistoric), parity: .software, deviceID: nil, defaultDeviceID: "tic")
        var publications: [TICSession.Publication] = []
        func wire(_ bytes: [UInt8]) -> [UInt8] {  // 7E1 characters as an 8N1 port reads them: parity in bit 7
            bytes.map { $0 | ($0.nonzeroBitCount % 2 == 1 ? 0x80 : 0) }
        }
        let frame = historic()
        var bytes = wire(frame)
        let base = try #require((0..<frame.count).first { Array(frame[$0..<($0 + 5)]) == Array("\nBASE".utf8) })
        bytes[base + 7] ^= 0x80  // one parity error in BASE's data
        session.consume(bytes, at: .zero, into: &publications)
        session.consume(wire([0x02] + TICCompose.group("PAPP", "10350", mode: .historic) + [0x04]), at: .zero, into: &publications)
        session.consume(wire([0x02, 0x03, 0x02, 0x03]), at: .zero, into: &publications)  // empty frames: line noise
        let deltas = Dictionary(uniqueKeysWithValues: session.takeCounterDeltas().map { ("\($0.name)\($0.labels.sorted { $0.key < $1.key })", $0.amount) })
        #expect(deltas["tic_parity_errors_total[]"] == 1)
        #expect(deltas["tic_groups_rejected_total[(key: \"reason\", value: \"parity\")]"] == 1)
        #expect(deltas["tic_frames_total[(key: \"result\", value: \"degraded\")]"] == 1)
        #expect(deltas["tic_frames_total[(key: \"result\", value: \"interrupted\")]"] == 1)
        #expect(deltas["tic_frames_total[(key: \"result\", value: \"empty\")]"] == 2)
        #expect(deltas["tic_frames_total[(key: \"result\", value: \"ok\")]"] == nil)
        #expect(session.takeCounterDeltas().isEmpty)
        guard case .measurement(let payload) = publications.first(where: { if case .measurement = $0 { true } else { false } }) else {
            Issue.record("no measurement")
            return
        }
        let measurement = payload.measurement
        #expect(measurement.raw["BASE"] == nil && measurement.raw["PAPP"] == "10350")
    }

    @Test(arguments: [
        ("linky-standard-tempo-stream-teleinfo-nom.tic", "linky-standard", TICChecksumMode.standard),
    ])
    func autoDetectionLocksOnTheRightFamily(file: String, family: String, checksum: TICChecksumMode) throws {
        let outputs = TICFixtures.read(try TICFixtures.bytes(file), with: TICReader(detecting: TICFamily.builtIn))
        #expect(outputs.contains(.locked(family: family, checksum: checksum)))
        #expect(TICFixtures.frames(outputs).count == 7)
    }

    @Test(arguments: [TICChecksumMode.historic, .historicMode2, .pmePmi, .standard])
    func autoDetectionOfComposedStreams(mode: TICChecksumMode) {
        let frame: [UInt8] =
            switch mode {
            case .pmePmi: TICCompose.frame(TICPMEPMITests.conso, mode: .pmePmi)
            case .standard: TICCompose.frame([("ADSC", "041876097295"), ("VTIC", "02"), ("EAST", "000000104")], mode: .standard)
            default: TICCompose.frame([("ADCO", "812164417227"), ("BASE", "000000104"), ("PAPP", "10350")], mode: mode)
            }
        let family = mode == .pmePmi ? "pme-pmi" : mode == .standard ? "linky-standard" : "linky-historic"
        var reader = TICReader(detecting: TICFamily.builtIn)
        var outputs: [TICReader.Output] = []
        reader.feed(Array("noise\u{02}\n\r".utf8) + frame + frame + frame + frame, into: &outputs)
        let expectedChecksum = mode == .pmePmi ? TICChecksumMode.historic : mode
        #expect(outputs.contains(.locked(family: family, checksum: expectedChecksum)), "\(outputs.suffix(3))")
        #expect(TICFixtures.frames(outputs).count == 4)
        #expect(reader.isLocked && reader.family?.name == family)
        #expect(TICFixtures.rejections(outputs).isEmpty)
    }

    @Test func theParityFilterUnmarksDriverEscapesAcrossReads() {
        var filter = TICParityFilter(parity: .marked)
        var seen: [(UInt8, Bool)] = []
        filter.filter([0x41, 0xFF]) { seen.append(($0, $1)) }
        filter.filter([0x00]) { seen.append(($0, $1)) }
        filter.filter([0x42, 0xFF, 0xFF, 0x43, 0xFF, 0x44]) { seen.append(($0, $1)) }
        #expect(seen.map(\.0) == [0x41, 0x42, 0xFF, 0x43, 0xFF, 0x44])
        #expect(seen.map(\.1) == [false, true, false, false, false, false])
        var software = TICParityFilter(parity: .software)
        var checked: [(UInt8, Bool)] = []
        software.filter([0x41, 0xC1, 0x43, 0xC3]) { checked.append(($0, $1)) }  // A has two ones: even without bit 7
        #expect(checked.map(\.0) == [0x41, 0x41, 0x43, 0x43])
        #expect(checked.map(\.1) == [false, true, true, false])
    }
}

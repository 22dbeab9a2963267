import AdapterKit
import AdapterKitTesting
import Foundation
import EnergyTIC
import Testing

/// `tic-decode`'s output, as integrators read it: the same JSON lines, byte for byte, as the
/// version that rendered JSON values (`Tests/Fixtures/tic/decoded/`, SOURCES.md), and each
/// measurement as the JSON form of events writes it.
@Suite struct TICDecodeOutputTests {
    static let captures: [(file: String, framesOnly: Bool)] = [
        ("linky-historic-enedis-tic2websocket", false),
        ("historic-tempo-stream-teleinfo-nom", false),
        ("linky-standard-badchecksum-pcoup-enedis-tic2websocket", false),
        ("linky-standard-tempo-stream-teleinfo-nom", false),
        ("linky-standard-tempo-stream-teleinfo-nom", true),
        ("linky-standard-corrupted-lf-linkytic-issue67", false),
        ("pme-pmi-composed", false),
    ]

    @Test(arguments: captures.indices)
    func printsTheSameLinesAsBefore(_ index: Int) throws {
        let (file, framesOnly) = Self.captures[index]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PluginHarnessDirectory.path + "/tic-decode")
        process.arguments = (framesOnly ? ["--frames-only"] : []) + [TICFixtures.directory.appendingPathComponent("\(file).tic").path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = output.fileHandleForReading.readToEndRetryingInterrupts()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let expected = try Data(contentsOf: TICFixtures.directory.appendingPathComponent("decoded/\(file)\(framesOnly ? ".frames" : "").jsonl"))
        #expect(String(decoding: printed, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }

    @Test(arguments: ["linky-historic-enedis-tic2websocket", "linky-standard-tempo-stream-teleinfo-nom", "pme-pmi-composed",
                      "historic-tempo-stream-teleinfo-nom"])
    func aMeasurementIsWrittenAsTheJSONFormOfEventsWritesIt(_ file: String) throws {
        let bytes = try TICFixtures.bytes("\(file).tic")
        var reader = TICReader(detecting: TICFamily.builtIn)
        var outputs: [TICReader.Output] = []
        reader.feed(bytes, into: &outputs)
        reader.finish(into: &outputs)
        let family = try #require(reader.family)
        let normalizer = TICNormalizer(family: family, defaultDeviceID: "")
        let frames = TICFixtures.frames(outputs).filter { $0.groupCount > 0 }
        try #require(!frames.isEmpty)
        var writer = TICJSONMeasurementWriter(defaultDeviceID: "")
        for frame in frames {
            // The JSON written from the frame's bytes is the JSON form of the payload the adapter publishes.
            writer.json.removeAll()
            normalizer.normalize(frame, into: &writer)
            let payload = normalizer.payload(of: frame, deviceID: nil)
            let event = Event(topic: "t", kind: .measurement, time: EventTime(nanosecondsSinceEpoch: 0), payload: payload)
            let reference = try #require(try JSONValue.parse(event.jsonLine())["payload"])
            #expect(String(decoding: writer.json.bytes, as: UTF8.self) == reference.jsonText)
            // A configured device id replaces the meter's address.
            let named = TICMeasurementPayload(bytes: normalizer.payload(of: frame, deviceID: "meter \"7\"")).measurement
            #expect(named.deviceID == "meter \"7\"")
            #expect(named.raw == TICMeasurementPayload(bytes: payload).measurement.raw)
        }
    }

    @Test func stringsAndNumbersAreWrittenAsAdapterKitWritesThem() {
        let strings = ["", "plain", "q\"b\\n\nr\rt\t", "\u{01}\u{1F}\u{7F}", "é €"]
        let numbers: [Double] = [0, -0.0, 1, -12, 104, 1_234_567_000, -0.25, 0.4, 1e15, 1e-5, 123_456_789_012_345]
        var buffer = TICJSONBuffer()
        var reference = ""
        for string in strings {
            buffer.appendQuoted(string)
            JSONValue.appendQuoted(string, to: &reference)
        }
        for number in numbers {
            buffer.append(number)
            buffer.append(",")
            reference += JSONValue.format(number) + ","
        }
        buffer.appendQuoted(latin1: [0x22, 0x5C, 0x01, 0x7F, 0xE9, 0x20, 0x78])
        reference += "\"\\\"\\\\\\u0001\u{7F}é x\""
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == reference)
    }
}

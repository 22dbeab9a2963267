import AdapterKit
import AdapterKitTesting
import EnergyHost
import Foundation
import Testing

/// Bounded random-input runs over the parsers that read untrusted text: mutated configurations
/// and event lines must give an error that says what is wrong, never a crash or a silent success
/// with nonsense. Seeded, so a failure reproduces.
@Suite struct ParserFuzzTests {
    @Test func mutatedConfigurationsAreRejectedWithMessagesOrAccepted() throws {
        let directory = try TestSupport.temporaryDirectory()
        let original = try Data(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("adapters.json"))
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("demo"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TestSupport.repositoryRoot.appendingPathComponent("demo/site-meter.csv"),
                                         to: directory.appendingPathComponent("demo/site-meter.csv"))
        let path = directory.appendingPathComponent("adapters.json")
        let loader = ConfigurationLoader(pluginDirectory: TestSupport.products, environment: [:])
        var generator = SeededGenerator(seed: 2026)
        var rejected = 0
        for _ in 0..<400 {
            try Data(generator.mutate(Array(original))).write(to: path)
            do {
                let loaded = try loader.load(file: path.path)
                #expect(!loaded.configuration.sites.isEmpty)
            } catch {
                rejected += 1
                #expect(!error.issues.isEmpty)
                #expect(error.issues.allSatisfy { !$0.path.isEmpty && !$0.message.isEmpty })
            }
        }
        #expect(rejected > 100, "mutations should mostly break the file")
    }

    @Test func mutatedEventLinesParseOrThrowWithAMessage() throws {
        var measurement = EnergyMeasurement()
        measurement.deviceID = "m"
        measurement.values = [EnergyValue(.voltage, 230.5, phase: 2)]
        measurement.raw = ["PAPP": "01200"]
        var alarm = EnergyAlarm()
        alarm.severity = "warning"
        alarm.code = "preavis"
        let lines = [
            try Event(topic: "sites/s/a/measurements", payload: measurement, time: .now()).jsonLine(),
            try Event(topic: "sites/s/a/alarms", payload: alarm, time: .now()).jsonLine(),
            Event(topic: "sites/s/a/x", kind: "vendor.blob", time: .now(), payload: [1, 2, 3]).jsonLine(),
        ]
        var generator = SeededGenerator(seed: 42)
        var parsed = 0
        for iteration in 0..<3000 {
            let line = String(decoding: generator.mutate(Array(lines[iteration % lines.count].utf8)), as: UTF8.self)
            do {
                let event = try Event(jsonLine: line)
                // Whatever parsed renders again and parses back to the same envelope.
                let again = try Event(jsonLine: event.jsonLine())
                #expect(again.topic == event.topic && again.kind == event.kind && again.time == event.time)
                #expect(again.sequence == event.sequence)
                parsed += 1
            } catch let error as AdapterError {
                #expect(error.code == .invalidEvent)
                #expect(!error.message.isEmpty)
            }
        }
        #expect(parsed > 0)
    }
}

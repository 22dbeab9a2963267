import AdapterKit
import AdapterKitTesting
import Foundation
import EnergyReplay
import Testing

@Suite struct JSONLinesReplayTests {
    /// A measurement event as the recorder writes it.
    private func recorded(_ index: Int, deviceID: String = "rec-meter") throws -> (Event, EnergyMeasurement) {
        var measurement = EnergyMeasurement()
        measurement.deviceID = deviceID
        measurement.meterTime = EventTime(nanosecondsSinceEpoch: 1_768_464_000_000_000_000 + Int64(index) * 500_000_000).timestamp
        measurement.tariffPeriod = "HC"
        measurement.values = [EnergyValue(.activePowerImport, Double(index) * 100), EnergyValue(.voltage, 230, phase: 2)]
        var event = try Event(
            topic: "sites/other/meter/measurements",
            payload: measurement,
            time: EventTime(nanosecondsSinceEpoch: 1_768_464_000_000_000_000 + Int64(index) * 1_000_000)
        )
        event.source = "meter"
        event.sequence = UInt64(1000 + index)
        return (event, measurement)
    }

    private func file(_ measurements: inout [EnergyMeasurement], deviceID: String = "rec-meter") throws -> String {
        var status = EnergyStatus()
        status.available = true
        let statusEvent = try Event(topic: "sites/other/meter/status", payload: status, time: EventTime(nanosecondsSinceEpoch: 0))
        var lines: [String] = []
        for index in 0..<3 {
            let (event, measurement) = try recorded(index, deviceID: deviceID)
            lines.append(event.jsonLine())
            measurements.append(measurement)
            if index == 0 { lines.append(statusEvent.jsonLine()) }
            if index == 1 { lines.append("{not json") }
        }
        return try ReplaySupport.write(lines.joined(separator: "\n") + "\n", named: "events.jsonl")
    }

    @Test(.timeLimit(.minutes(1)))
    func replaysRecordedMeasurementsAndSkipsOtherLines() async throws {
        var measurements: [EnergyMeasurement] = []
        let path = try file(&measurements)
        let host = try InMemoryHost(instanceID: "replay")
        let adapter = try host.makeAdapter(
            ReplayAdapter.self, configuration: ReplaySupport.configuration(file: path, ["pace": .string("fastest")]))
        try await host.run(adapter) { host in
            _ = await host.waitForPublished(count: 3)
        }
        let published = host.published
        #expect(published.count == 3)
        #expect(try published.map { try ReplaySupport.measurement($0) } == measurements)
        #expect(published.map(\.topic) == Array(repeating: "sites/test-site/replay/measurements", count: 3))
        #expect(published.map(\.source) == ["replay", "replay", "replay"])
        #expect(published.map(\.sequence) == [1, 2, 3])
        let warning = try #require(host.logs.first { $0.message == "lines skipped" })
        #expect(warning.metadata["replay.skipped"] == "2")
    }

    @Test(.timeLimit(.minutes(1)))
    func deviceIDOverridesRecordedOnes() async throws {
        var measurements: [EnergyMeasurement] = []
        let path = try file(&measurements)
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(ReplayAdapter.self, configuration: ReplaySupport.configuration(
            file: path, ["pace": .string("fastest"), "device_id": .string("renamed")]))
        try await host.run(adapter) { host in
            _ = await host.waitForPublished(count: 3)
        }
        #expect(try host.published.map { try ReplaySupport.measurement($0).deviceID } == ["renamed", "renamed", "renamed"])
    }

    @Test(.timeLimit(.minutes(1)))
    func aRecorderFileNamedOtherwiseIsReadWithFormatJSONL() async throws {
        let (event, measurement) = try recorded(7)
        let path = try ReplaySupport.write(event.jsonLine() + "\n", named: "capture.csv")
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(ReplayAdapter.self, configuration: ReplaySupport.configuration(
            file: path, ["pace": .string("fastest"), "format": .string("jsonl")]))
        try await host.run(adapter) { host in
            _ = await host.waitForPublished(count: 1)
        }
        #expect(try host.published.map { try ReplaySupport.measurement($0) } == [measurement])
    }
}

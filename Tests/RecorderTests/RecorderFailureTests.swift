import AdapterKit
import AdapterKitTesting
import Foundation
import EnergyRecorder
import Testing

/// Storage failures: refused with a clear error, and recovered from without writing elsewhere.
@Suite struct RecorderFailureTests {
    @Test func aPathBelowARegularFileIsRefusedAsConfiguration() throws {
        let directory = try RecorderSupport.temporaryDirectory()
        let plain = directory + "/plain.txt"
        try Data("x".utf8).write(to: URL(fileURLWithPath: plain))
        let host = try InMemoryHost()
        let error = #expect(throws: AdapterError.self) {
            try host.makeAdapter(RecorderAdapter.self, configuration: RecorderSupport.configuration(path: plain + "/events.jsonl"))
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains(plain) == true)
    }

    @Test(.timeLimit(.minutes(1))) func aFailedRotationIsReportedAndTheNextWriteReopensTheFile() async throws {
        let directory = try RecorderSupport.temporaryDirectory() + "/out"
        let path = directory + "/events.jsonl"
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(
            RecorderAdapter.self, configuration: RecorderSupport.configuration(path: path, maxBytes: 1024, keep: 1)
        )
        try await host.run(adapter) { _ in
            try await adapter.handle(batch: RecorderSupport.events(1))
            try FileManager.default.removeItem(atPath: directory)
            // Rotation needs the directory: the write fails with a clear error, not silently.
            let error = await #expect(throws: AdapterError.self) { try await adapter.handle(batch: RecorderSupport.events(8, from: 2)) }
            #expect(error?.code == .failed)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try await adapter.handle(batch: RecorderSupport.events(1, from: 10))
        }
        let lines = try RecorderSupport.lines(path)
        #expect(lines.count == 1)
        #expect(try Event(jsonLine: lines[0]).decode(EnergyMeasurement.self).deviceID == "meter-10")
    }
}

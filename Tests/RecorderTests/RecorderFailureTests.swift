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
            // Rotation needs the directory: the batch is lost, and said so, not silently.
            try await adapter.handle(batch: RecorderSupport.events(8, from: 2))
            #expect(host.metric("recorder_events_lost_total") == 8)
            #expect(host.metric("health_degraded") == 1)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try await adapter.handle(batch: RecorderSupport.events(1, from: 10))
        }
        let lines = try RecorderSupport.lines(path)
        #expect(lines.count == 1)
        #expect(try Event(jsonLine: lines[0]).decode(EnergyMeasurement.self).deviceID == "meter-10")
    }

    /// On a full disk, a batch cut short is undone: the file holds only whole lines. The failure
    /// raises the alarm, reports the instance degraded and counts the lost events; when space
    /// returns, writing resumes at once (the alarm clears after the recovery period, see
    /// `WriteHealthTests`).
    @Test(.timeLimit(.minutes(1))) func aFullDiskLeavesOnlyWholeLinesAndWritingResumesWhenSpaceReturns() async throws {
        let disk = try SmallFilesystem(bytes: 256 * 1024)
        defer { disk.unmount() }
        let path = disk.path + "/events.jsonl"
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(RecorderAdapter.self, configuration: RecorderSupport.configuration(path: path))
        try disk.fill(leaving: 12 * 1024)
        var next = 1
        try await host.run(adapter) { _ in
            // Batches of 20 events (about 5 KB): the third no longer fits.
            for _ in 0..<5 {
                try await adapter.handle(batch: RecorderSupport.events(20, from: next))
                next += 20
            }
            #expect(host.metric("recorder_events_lost_total") ?? 0 >= 60)
            #expect(host.metric("health_degraded") == 1)
            let lines = try RecorderSupport.lines(path)
            #expect(lines.count % 20 == 0 && !lines.isEmpty)
            #expect(throws: Never.self) { try lines.map { try Event(jsonLine: $0) } }
            try disk.free()
            try await adapter.handle(batch: RecorderSupport.events(20, from: next))
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("}\n"))
        let events = try RecorderSupport.lines(path).map { try Event(jsonLine: $0) }
        #expect(events.last?.sequence == UInt64(next + 19))
        let alarms = try host.published.filter { $0.kind == .alarm }.map { try $0.decode(EnergyAlarm.self) }
        #expect(alarms.map(\.code) == [RecorderAdapter.writeFailedAlarm])
        #expect(alarms.first?.active == true)
        #expect(alarms.first?.message.contains("No space left on device") == true)
    }
}

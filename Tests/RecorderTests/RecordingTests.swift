import AdapterKit
import AdapterKitTesting
import Foundation
import EnergyRecorder
import Testing

@Suite struct RecordingTests {
    @Test(.timeLimit(.minutes(1)))
    func writesOneParseableLinePerEventInOrder() async throws {
        let directory = try RecorderSupport.temporaryDirectory()
        let path = directory + "/out/events.jsonl"
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(RecorderAdapter.self, configuration: RecorderSupport.configuration(path: path))
        let first = try RecorderSupport.events(3)
        let second = try RecorderSupport.events(5, from: 4)
        try await host.run(adapter) { host in
            try await host.deliver(first, to: adapter)
            // Each batch is written at once: the file holds whole lines already.
            #expect(try RecorderSupport.lines(path).count == 3)
            try await host.deliver(second, to: adapter)
            try await host.deliver([], to: adapter)
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("}\n"))
        let lines = try RecorderSupport.lines(path)
        #expect(lines == (first + second).map { $0.jsonLine() })
        #expect(try lines.map { try Event(jsonLine: $0) } == first + second)
        #expect(host.published.isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func appendsToAnExistingFile() async throws {
        let directory = try RecorderSupport.temporaryDirectory()
        let path = directory + "/events.jsonl"
        let old = try RecorderSupport.events(1, from: 100)[0].jsonLine() + "\n"
        try Data(old.utf8).write(to: URL(fileURLWithPath: path))
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(
            RecorderAdapter.self, configuration: RecorderSupport.configuration(path: path))
        let events = try RecorderSupport.events(2)
        try await host.run(adapter) { host in
            try await host.deliver(events, to: adapter)
        }
        let lines = try RecorderSupport.lines(path)
        #expect(lines.count == 3)
        #expect(lines.first == old.trimmingCharacters(in: .newlines))
        #expect(Array(lines.dropFirst()) == events.map { $0.jsonLine() })
    }

    @Test(.timeLimit(.minutes(1)))
    func fsyncEachBatchStillWritesEverything() async throws {
        let directory = try RecorderSupport.temporaryDirectory()
        let path = directory + "/durable.jsonl"
        let host = try InMemoryHost()
        let configuration = JSONValue.object(["path": .string(path), "fsync_each_batch": .bool(true)]).jsonText
        let adapter = try host.makeAdapter(RecorderAdapter.self, configuration: configuration)
        let events = try RecorderSupport.events(4)
        try await host.run(adapter) { host in
            for event in events { try await host.deliver([event], to: adapter) }
        }
        #expect(try RecorderSupport.lines(path).map { try Event(jsonLine: $0) } == events)
    }

    @Test(.timeLimit(.minutes(1)))
    func relativePathsLandInTheInstanceDataDirectory() async throws {
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(
            RecorderAdapter.self, configuration: RecorderSupport.configuration(path: "nested/dir/rec.jsonl"))
        let events = try RecorderSupport.events(2)
        try await host.run(adapter) { host in
            try await host.deliver(events, to: adapter)
        }
        let path = host.dataDirectory + "/nested/dir/rec.jsonl"
        #expect(try RecorderSupport.lines(path).count == 2)
    }

    @Test(.timeLimit(.minutes(1)))
    func theDefaultFileIsEventsJSONLInTheDataDirectory() async throws {
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(RecorderAdapter.self, configuration: "{}")
        try await host.run(adapter) { host in
            try await host.deliver(try RecorderSupport.events(1), to: adapter)
        }
        #expect(try RecorderSupport.lines(host.dataDirectory + "/events.jsonl").count == 1)
    }
}

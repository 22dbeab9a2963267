import AdapterKit
import AdapterKitTesting
import Foundation
import EnergyRecorder
import Testing

@Suite struct RotationTests {
    /// Delivers `events` one batch each to a recorder writing `path`.
    private func record(_ events: [Event], path: String, maxBytes: Int, keep: Int) async throws {
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(
            RecorderAdapter.self,
            configuration: RecorderSupport.configuration(path: path, maxBytes: maxBytes, keep: keep)
        )
        try await host.run(adapter) { host in
            for event in events { try await host.deliver([event], to: adapter) }
        }
    }

    /// The events in `path.keep` ... `path.1`, `path`, oldest first.
    private func recorded(_ path: String, keep: Int) throws -> [Event] {
        var files = (1...max(keep, 1)).reversed().map { "\(path).\($0)" }.filter(RecorderSupport.exists)
        files.append(path)
        return try files.flatMap { try RecorderSupport.lines($0) }.map { try Event(jsonLine: $0) }
    }

    @Test(.timeLimit(.minutes(1)))
    func rotatesBySizeWithoutLosingOrDuplicatingEvents() async throws {
        let directory = try RecorderSupport.temporaryDirectory()
        let path = directory + "/events.jsonl"
        let events = try RecorderSupport.events(60)
        let totalBytes = events.reduce(0) { $0 + $1.jsonLine().utf8.count + 1 }
        #expect(totalBytes > 8 * 1024)  // enough for several rotations
        try await record(events, path: path, maxBytes: 1024, keep: 100)
        let rotated = (1...100).map { "\(path).\($0)" }.filter(RecorderSupport.exists)
        #expect(rotated.count >= 8)
        #expect(rotated == (1...rotated.count).map { "\(path).\($0)" })  // numbered without gaps
        for file in rotated + [path] {
            #expect(try RecorderSupport.size(file) <= 1024, "\(file)")
        }
        #expect(try recorded(path, keep: 100) == events)
    }

    @Test(.timeLimit(.minutes(1)))
    func keepsAtMostKeepRotatedFilesWithTheNewestEvents() async throws {
        let directory = try RecorderSupport.temporaryDirectory()
        let path = directory + "/events.jsonl"
        let events = try RecorderSupport.events(60)
        try await record(events, path: path, maxBytes: 1024, keep: 2)
        #expect(RecorderSupport.exists(path + ".1"))
        #expect(RecorderSupport.exists(path + ".2"))
        #expect(!RecorderSupport.exists(path + ".3"))
        let kept = try recorded(path, keep: 2)
        #expect(kept.count < events.count)
        #expect(kept == Array(events.suffix(kept.count)))  // the newest, contiguous, in order
        let newest = try RecorderSupport.lines(path + ".1").map { try Event(jsonLine: $0) }
        let oldest = try RecorderSupport.lines(path + ".2").map { try Event(jsonLine: $0) }
        #expect(try #require(oldest.last).sequence < #require(newest.first).sequence)
    }

    @Test(.timeLimit(.minutes(1)))
    func keepZeroDeletesTheFullFile() async throws {
        let directory = try RecorderSupport.temporaryDirectory()
        let path = directory + "/events.jsonl"
        let events = try RecorderSupport.events(30)
        try await record(events, path: path, maxBytes: 1024, keep: 0)
        #expect(!RecorderSupport.exists(path + ".1"))
        let kept = try RecorderSupport.lines(path).map { try Event(jsonLine: $0) }
        #expect(!kept.isEmpty && kept.count < events.count)
        #expect(kept == Array(events.suffix(kept.count)))
    }

    @Test(.timeLimit(.minutes(1)))
    func aBatchIsNeverSplitAcrossFiles() async throws {
        let directory = try RecorderSupport.temporaryDirectory()
        let path = directory + "/events.jsonl"
        let host = try InMemoryHost()
        let adapter = try host.makeAdapter(
            RecorderAdapter.self, configuration: RecorderSupport.configuration(path: path, maxBytes: 1024, keep: 5))
        let small = try RecorderSupport.events(1)
        let big = try RecorderSupport.events(12, from: 2)  // larger than max_bytes on its own
        try await host.run(adapter) { host in
            try await host.deliver(small, to: adapter)
            try await host.deliver(big, to: adapter)
        }
        #expect(try RecorderSupport.lines(path + ".1").map { try Event(jsonLine: $0) } == small)
        #expect(try RecorderSupport.lines(path).map { try Event(jsonLine: $0) } == big)
        #expect(try RecorderSupport.size(path) > 1024)
    }
}

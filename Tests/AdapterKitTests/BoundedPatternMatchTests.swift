@testable import AdapterKit
import Foundation
import Synchronization
import Testing

/// Schema patterns run on a worker thread with a bound on time; the thread ends once idle, so
/// that no copy of AdapterKit keeps one for the life of the process.
@Suite struct BoundedPatternMatchTests {
    /// The names of this process's threads (`comm`: at most 15 characters).
    private static func threadNames() -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { task in
            (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    @Test func anIdleWorkerEndsItsThreadAndTheNextJobStartsAnother() async throws {
        let name = "pidle-\(Int.random(in: 100_000..<1_000_000))"
        let worker = BoundedPatternMatch.Worker(name: name, idleLimit: .seconds(1))
        for round in 1...2 {
            let job = BoundedPatternMatch.Job(pattern: "^a+$", string: "aaa")
            worker.submit(job)
            #expect(job.done.wait(timeout: .now() + 10) == .success, "round \(round)")
            #expect(job.verdict.withLock { $0 } == .matches, "round \(round)")
            let deadline = ContinuousClock.now + .seconds(15)
            while Self.threadNames().contains(name), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(!Self.threadNames().contains(name), "round \(round): the idle worker's thread is still there")
        }
    }

    @Test func jobsSubmittedTogetherAllRunOnOneThread() {
        let name = "pburst-\(Int.random(in: 100_000..<1_000_000))"
        let worker = BoundedPatternMatch.Worker(name: name, idleLimit: .seconds(5))
        let jobs = (0..<50).map { BoundedPatternMatch.Job(pattern: "^b", string: $0.isMultiple(of: 2) ? "bc" : "cb") }
        jobs.forEach(worker.submit)
        for (index, job) in jobs.enumerated() {
            #expect(job.done.wait(timeout: .now() + 10) == .success)
            #expect(job.verdict.withLock { $0 } == (index.isMultiple(of: 2) ? .matches : .doesNotMatch))
        }
        #expect(Self.threadNames().filter { $0 == name }.count == 1)
    }

    @Test func anInvalidPatternIsSaidSo() {
        #expect(BoundedPatternMatch.evaluate("(", in: "x") == .invalidPattern)
        #expect(BoundedPatternMatch.evaluate("^[0-9]{4}$", in: "2026") == .matches)
    }
}

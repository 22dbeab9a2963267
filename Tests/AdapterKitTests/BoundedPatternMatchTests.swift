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

    /// The job's verdict once it ran (within 30 s), waited for without blocking a thread of the
    /// test runner's pool.
    private static func verdict(of job: BoundedPatternMatch.Job) async throws -> BoundedPatternMatch.Verdict? {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let verdict = job.verdict.withLock({ $0 }) { return verdict }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test func anIdleWorkerEndsItsThreadAndTheNextJobStartsAnother() async throws {
        let name = "pidle-\(Int.random(in: 100_000..<1_000_000))"
        let worker = BoundedPatternMatch.Worker(name: name, idleLimit: .seconds(1))
        for round in 1...2 {
            let job = BoundedPatternMatch.Job(pattern: "^a+$", string: "aaa")
            worker.submit(job)
            let verdict = try await Self.verdict(of: job)
            #expect(verdict == .matches, "round \(round)")
            let deadline = ContinuousClock.now + .seconds(15)
            while Self.threadNames().contains(name), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(!Self.threadNames().contains(name), "round \(round): the idle worker's thread is still there")
        }
    }

    @Test func jobsSubmittedTogetherRunOnOneThread() async throws {
        let name = "pburst-\(Int.random(in: 100_000..<1_000_000))"
        let worker = BoundedPatternMatch.Worker(name: name, idleLimit: .seconds(5))
        let jobs = (0..<50).map { BoundedPatternMatch.Job(pattern: "^b", string: $0.isMultiple(of: 2) ? "bc" : "cb") }
        jobs.forEach(worker.submit)
        // Counted after each job: the thread may already have ended after the last one (idle).
        var mostThreads = 0
        for (index, job) in jobs.enumerated() {
            let verdict = try await Self.verdict(of: job)
            #expect(verdict == (index.isMultiple(of: 2) ? .matches : .doesNotMatch))
            mostThreads = max(mostThreads, Self.threadNames().filter { $0 == name }.count)
        }
        #expect(mostThreads <= 1)
    }

    @Test func anInvalidPatternIsSaidSo() {
        #expect(BoundedPatternMatch.evaluate("(", in: "x") == .invalidPattern)
        #expect(BoundedPatternMatch.evaluate("^[0-9]{4}$", in: "2026") == .matches)
    }
}

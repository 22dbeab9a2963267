import Foundation
import Synchronization

/// Schema patterns evaluated with a bound on time: a plugin's schema is foreign, and a pattern
/// that backtracks catastrophically (`^(a+)+$` on a long run of `a` then `b`) would otherwise hold
/// `validate` or the host's start for minutes. Each evaluation runs on a worker thread; one that
/// outlasts the limit is reported as such, and its worker is left to finish on its own while a
/// new one takes the next evaluations. A worker's thread ends once it has been idle for
/// ``idleLimit``: patterns are checked when a configuration is read, and every copy of AdapterKit
/// (the host's and each adapter library's) would otherwise keep one idle thread, with its stack
/// and its malloc arena, for the life of the process.
enum BoundedPatternMatch {
    /// How long one pattern may take on one value.
    static let limit = Duration.seconds(1)
    /// How long a worker's thread waits for a next evaluation before it ends.
    static let idleLimit = Duration.seconds(1)

    /// What an evaluation found.
    enum Verdict: Equatable {
        case matches, doesNotMatch, invalidPattern, outOfTime
    }

    /// Whether `pattern` matches somewhere in `string`, within ``limit``.
    static func evaluate(_ pattern: String, in string: String) -> Verdict {
        let job = Job(pattern: pattern, string: string)
        let worker = Worker.current.withLock { $0 }
        worker.submit(job)
        guard job.done.wait(timeout: .now() + .milliseconds(Int(limit.components.seconds * 1000))) == .success else {
            // That worker is stuck on this job: later evaluations go to a new one.
            Worker.current.withLock { current in
                if current === worker { current = Worker.evaluating() }
            }
            return .outOfTime
        }
        return job.verdict.withLock { $0 } ?? .outOfTime
    }

    final class Job: Sendable {
        let pattern: String
        let string: String
        let verdict = Mutex<Verdict?>(nil)
        let done = DispatchSemaphore(value: 0)

        init(pattern: String, string: String) {
            self.pattern = pattern
            self.string = string
        }

        func run() {
            let result: Verdict
            if let regex = try? Regex(pattern) {
                result = (try? regex.firstMatch(in: string)) == nil ? .doesNotMatch : .matches
            } else {
                result = .invalidPattern
            }
            verdict.withLock { $0 = result }
            done.signal()
        }
    }

    /// Runs jobs one at a time on a thread of its own, started for a job when none runs, and
    /// ended once it has had no job for `idleLimit`.
    final class Worker: Sendable {
        /// The worker that takes the next evaluations.
        static let current = Mutex(Worker.evaluating())

        /// A new worker for ``BoundedPatternMatch/evaluate(_:in:)``.
        static func evaluating() -> Worker {
            Worker(name: "schema-patterns", idleLimit: BoundedPatternMatch.idleLimit)
        }
        private struct State {
            var jobs: [Job] = []
            var isRunning = false
        }
        private let name: String
        private let idleLimit: Duration
        private let state = Mutex(State())
        private let available = DispatchSemaphore(value: 0)

        /// A worker whose thread is called `name`.
        init(name: String, idleLimit: Duration) {
            self.name = name
            self.idleLimit = idleLimit
        }

        func submit(_ job: Job) {
            let starts = state.withLock { state in
                defer { state.isRunning = true }
                state.jobs.append(job)
                return !state.isRunning
            }
            available.signal()
            if starts { Thread { [self] in run() }.start() }
        }

        /// The thread's loop: a job per signal, until a wait of `idleLimit` finds none. A job
        /// submitted while the thread gives up is run by it (the queue is checked under the
        /// lock that marks the thread ended), or by the next thread once it is marked ended.
        private func run() {
            Thread.current.name = name
            let idleMilliseconds = Int(idleLimit.components.seconds * 1000 + idleLimit.components.attoseconds / 1_000_000_000_000_000)
            while true {
                let timedOut = available.wait(timeout: .now() + .milliseconds(idleMilliseconds)) == .timedOut
                let job: Job? = state.withLock { state in
                    if state.jobs.isEmpty {
                        if timedOut { state.isRunning = false }
                        return nil
                    }
                    return state.jobs.removeFirst()
                }
                if let job {
                    job.run()
                } else if timedOut {
                    return
                }
            }
        }
    }
}

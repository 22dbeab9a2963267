import Foundation
import Synchronization

/// Schema patterns evaluated with a bound on time: a plugin's schema is foreign, and a pattern
/// that backtracks catastrophically (`^(a+)+$` on a long run of `a` then `b`) would otherwise hold
/// `validate` or the host's start for minutes. Each evaluation runs on a worker thread; one that
/// outlasts the limit is reported as such, and its worker is left to finish on its own while a
/// new one takes the next evaluations.
enum BoundedPatternMatch {
    /// How long one pattern may take on one value.
    static let limit = Duration.seconds(1)

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
                if current === worker { current = Worker() }
            }
            return .outOfTime
        }
        return job.verdict.withLock { $0 } ?? .outOfTime
    }

    private final class Job: Sendable {
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

    private final class Worker: Sendable {
        static let current = Mutex(Worker())
        private let jobs = Mutex<[Job]>([])
        private let available = DispatchSemaphore(value: 0)

        init() {
            let thread = Thread { [self] in
                Thread.current.name = "schema-patterns"
                while true {
                    available.wait()
                    let job = jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                    job?.run()
                }
            }
            thread.start()
        }

        func submit(_ job: Job) {
            jobs.withLock { $0.append(job) }
            available.signal()
        }
    }
}

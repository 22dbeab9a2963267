import DequeModule
import Foundation
import Synchronization

/// A dedicated OS thread on which every call into one adapter instance's library runs, in the
/// order the calls were submitted.
///
/// Adapter code is foreign: it may block (a serial read, a lock, a bug). Running it on Swift's
/// cooperative pool would let two blocked adapters freeze every task of the host on a 2-core
/// gateway; on its own thread, a blocked adapter blocks only itself. Callers wait for results
/// asynchronously, and may give up waiting (shutdown deadline) while the call goes on.
final class AdapterCallThread: Sendable {
    private struct Queue {
        var jobs = Deque<@Sendable () -> Void>()
        var finished = false
    }

    private let queue = Mutex(Queue())
    private let available = DispatchSemaphore(value: 0)

    /// Starts the thread; `name` shows in debuggers and `top -H`.
    init(name: String) {
        // The thread holds the object until it ends, after ``finish()``. Linux truncates thread
        // names to 15 bytes; set from the thread itself, the name shows in `top -H` and debuggers.
        let threadName = String(name.prefix(15))
        let thread = Thread { [self] in
            Thread.current.name = threadName
            runJobs()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func runJobs() {
        while true {
            available.wait()
            let job = queue.withLock { $0.jobs.popFirst() }
            guard let job else { return }  // finished, and nothing left
            job()
        }
    }

    /// Runs `job` on the thread after those already submitted; returns at once.
    func submit(_ job: @escaping @Sendable () -> Void) {
        let accepted = queue.withLock { queue in
            guard !queue.finished else { return false }
            queue.jobs.append(job)
            return true
        }
        if accepted { available.signal() }
    }

    /// Submits `body` and returns the one-shot that receives its result.
    func submitting<Value: Sendable>(_ body: @escaping @Sendable () -> Value) -> OneShot<Value> {
        let result = OneShot<Value>()
        submit { result.complete(body()) }
        return result
    }

    /// Ends the thread once the jobs already submitted have run; later submissions are ignored.
    func finish() {
        let first = queue.withLock { queue in
            defer { queue.finished = true }
            return !queue.finished
        }
        // One extra signal wakes the loop on an empty queue, where it returns.
        if first { available.signal() }
    }
}

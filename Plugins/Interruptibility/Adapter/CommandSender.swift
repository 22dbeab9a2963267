import AdapterKit
import Synchronization

/// Publishes commands in order without waiting: a command a full lossless queue refuses is kept,
/// with those after it, and retried in the background until accepted. Never dropped while the
/// adapter runs; a restore never overtakes the shed before it.
final class CommandSender: Sendable {
    private let context: AdapterContext
    /// Commands waiting for room, oldest first; non-empty while a retry task runs.
    private let pending = Mutex<[Event]>([])

    init(context: AdapterContext) {
        self.context = context
    }

    /// Publishes `event` now, or after the commands already waiting.
    func send(_ event: Event) {
        let startRetry = pending.withLock { pending -> Bool in
            if pending.isEmpty {
                switch publish(event) {
                case .sent, .dropped: return false
                case .full: break
                }
            }
            pending.append(event)
            return pending.count == 1
        }
        if startRetry { Task { await retry() } }
    }

    private enum Attempt { case sent, full, dropped }

    private func publish(_ event: Event) -> Attempt {
        do {
            try context.publishNow(event)
            return .sent
        } catch let error as AdapterError where error.code == .overloaded {
            return .full
        } catch {
            context.logger.critical("command not sent", metadata: ["topic": "\(event.topic)", "error": "\(error)"])
            return .dropped
        }
    }

    /// Sends the waiting commands in order, backing off while the queue stays full.
    private func retry() async {
        var pause = Duration.milliseconds(1)
        while true {
            let next = pending.withLock { pending -> Bool? in
                guard let first = pending.first else { return nil }
                guard publish(first) != .full else { return false }
                pending.removeFirst()
                return true
            }
            switch next {
            case nil: return
            case true?: pause = .milliseconds(1)
            case false?:
                if pause == .milliseconds(1) {
                    context.logger.warning("commands waiting: a subscriber's queue is full", metadata: ["waiting": "\(pending.withLock { $0.count })"])
                }
                try? await context.clock.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(500))
            }
        }
    }
}

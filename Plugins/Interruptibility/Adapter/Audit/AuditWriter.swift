import AdapterKit

/// Runs the audit trail's writes one after the other, off the caller's path: the trip path
/// enqueues and goes on; the restore waits for its write.
final class AuditWriter: Sendable {
    typealias Write = @Sendable () async throws -> Void

    private let writes: AsyncStream<Write>
    private let continuation: AsyncStream<Write>.Continuation

    init() {
        (writes, continuation) = AsyncStream.makeStream(of: Write.self)
    }

    /// Queues `write` after those already queued; returns false when the writer has finished
    /// (the adapter is stopping) and the write will not happen.
    @discardableResult
    func enqueue(_ write: @escaping Write) -> Bool {
        if case .terminated = continuation.yield(write) { return false }
        return true
    }

    /// Queues `write` and waits until it is done (or failed); fails at once when the writer has
    /// finished (the adapter is stopping).
    func perform(_ write: @escaping Write) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let queued = continuation.yield {
                do {
                    try await write()
                    done.resume()
                } catch {
                    done.resume(throwing: error)
                    throw error
                }
            }
            if case .terminated = queued {
                done.resume(throwing: AdapterError(.stopped, "the audit trail is closed: the adapter is stopping"))
            }
        }
    }

    /// Runs the queued writes until ``finish()``; a failed write is reported to `failed` and the
    /// next ones still run.
    func run(failed: @Sendable (any Error) -> Void) async {
        for await write in writes {
            do { try await write() } catch { failed(error) }
        }
    }

    /// Ends ``run(failed:)`` once the queued writes are done.
    func finish() {
        continuation.finish()
    }
}

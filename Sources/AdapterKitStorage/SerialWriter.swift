/// Runs writes one after the other, off the caller's path: a time-critical caller enqueues and
/// goes on; one that needs the outcome waits for it (``perform(_:)``). Writes run in the order
/// they were queued, each after the previous one finished.
///
/// Start ``run(failed:)`` in the adapter's `run()`, and call ``finish()`` on shutdown: the writes
/// already queued complete, later ones are refused.
public final class SerialWriter: Sendable {
    /// One queued write.
    public typealias Write = @Sendable () async throws -> Void

    private let writes: AsyncStream<Write>
    private let continuation: AsyncStream<Write>.Continuation

    /// An idle writer; nothing runs before ``run(failed:)``.
    public init() {
        (writes, continuation) = AsyncStream.makeStream(of: Write.self)
    }

    /// Queues `write` after those already queued; false when the writer has finished (the
    /// adapter is stopping) and the write will not happen.
    @discardableResult
    public func enqueue(_ write: @escaping Write) -> Bool {
        if case .terminated = continuation.yield(write) { return false }
        return true
    }

    /// Queues `write` and waits until it is done; rethrows its error, or throws
    /// ``Finished`` when the writer has finished.
    public func perform(_ write: @escaping Write) async throws {
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
            if case .terminated = queued { done.resume(throwing: Finished()) }
        }
    }

    /// Runs the queued writes until ``finish()``; a failed write is reported to `failed` and the
    /// next ones still run.
    public func run(failed: @Sendable (any Error) -> Void) async {
        for await write in writes {
            do { try await write() } catch { failed(error) }
        }
    }

    /// Ends ``run(failed:)`` once the writes already queued are done; later ones are refused.
    public func finish() {
        continuation.finish()
    }

    /// The writer has finished: the write was not queued.
    public struct Finished: Error, CustomStringConvertible {
        public var description: String { "the writer is closed: the adapter is stopping" }
    }
}

/// Group commit: makes items durable in batches. Each caller waits until its own item is written;
/// the items that arrive while a batch is being written go together into the next one. Many
/// concurrent callers (an HTTP server's requests, each stored before it is answered) then cost
/// one transaction per batch instead of one each. Batches hold at most `maximumBatch` items, in
/// the order their callers came.
///
/// ```swift
/// let requests = GroupCommit<Request> { batch in try await store.save(batch) }  // one transaction
/// try await requests.commit(request)  // returns once `request` is stored
/// ```
public actor GroupCommit<Item: Sendable> {
    /// Writes a batch, all or nothing (one transaction).
    public typealias Write = @Sendable ([Item]) async throws -> Void

    private let write: Write
    private let maximumBatch: Int
    private var waiting: [(item: Item, done: CheckedContinuation<Void, any Error>)] = []
    private var draining = false

    /// Batches of at most `maximumBatch` items, written by `write`.
    public init(maximumBatch: Int = 512, write: @escaping Write) {
        self.write = write
        self.maximumBatch = max(1, maximumBatch)
    }

    /// Returns once `item` is written with its batch; throws the batch's error if it failed
    /// (nothing of that batch was written, and every caller in it gets the error).
    public func commit(_ item: Item) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            waiting.append((item, done))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    /// Writes the waiting items, batch after batch, until none is left.
    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(maximumBatch))
            waiting.removeFirst(batch.count)
            do {
                try await write(batch.map(\.item))
                for entry in batch { entry.done.resume() }
            } catch {
                for entry in batch { entry.done.resume(throwing: error) }
            }
        }
        draining = false
    }
}

import Foundation
import Synchronization

/// One end of a runner's socket: messages are sent from any thread without waiting (a writer
/// thread of its own empties the queue into the socket) and received on a reader thread of its
/// own, which hands each decoded message to the handler in order.
final class FramedChannel: Sendable {
    private struct Outgoing {
        var bytes: [UInt8] = []
        var closed = false
    }

    private let fd: Int32
    private let name: String
    private let outgoing = Mutex(Outgoing())
    private let wake = DispatchSemaphore(value: 0)
    private let writerDone = DispatchSemaphore(value: 0)

    /// Takes ownership of the connected socket `fd`; `name` names its threads.
    init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
        let thread = Thread { [self] in
            Thread.current.name = String("w-\(name)".prefix(15))
            writeLoop()
            writerDone.signal()
        }
        thread.start()
    }

    /// Queues `message`; returns at once. Dropped when the channel is closed.
    func send(_ message: RunnerMessage) {
        let queued = outgoing.withLock { outgoing in
            guard !outgoing.closed else { return false }
            let wasEmpty = outgoing.bytes.isEmpty
            RunnerWire.append(message, to: &outgoing.bytes)
            return wasEmpty
        }
        if queued { wake.signal() }
    }

    /// Reads messages on a thread of its own until the other side closes or breaks the protocol;
    /// `receive` gets each message, `ended` the reason reading stopped (nil for a clean close).
    func startReading(
        _ receive: @escaping @Sendable (RunnerMessage) -> Void,
        afterEachRead: @escaping @Sendable () -> Void = {},
        ended: @escaping @Sendable (String?) -> Void
    ) {
        let thread = Thread { [self] in
            Thread.current.name = String("r-\(name)".prefix(15))
            ended(readLoop(receive, afterEachRead: afterEachRead))
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Stops sending (what is queued is still written) and shuts the socket down for writing.
    func close() {
        let first = outgoing.withLock { outgoing in
            defer { outgoing.closed = true }
            return !outgoing.closed
        }
        if first { wake.signal() }
    }

    /// Closes, then waits until what was queued is written (or `limit` passed).
    func closeAndFlush(waitingAtMost limit: Duration) {
        close()
        _ = writerDone.wait(timeout: .now() + .milliseconds(Int(limit.inSeconds * 1000)))
    }

    private func readLoop(_ receive: (RunnerMessage) -> Void, afterEachRead: () -> Void) -> String? {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 256 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count == 0 { return buffer.isEmpty ? nil : "the other side closed in the middle of a message" }
            if count < 0 { return "read failed: \(String(cString: strerror(errno)))" }
            buffer.append(contentsOf: chunk[0..<count])
            do {
                let used = try buffer.withUnsafeBytes { try RunnerWire.decodeFrames(in: $0, body: receive) }
                buffer.removeFirst(used)
            } catch {
                return "protocol error: \(error)"
            }
            afterEachRead()
        }
    }

    private func writeLoop() {
        var sending: [UInt8] = []
        while true {
            wake.wait()
            let closed = outgoing.withLock { outgoing in
                swap(&sending, &outgoing.bytes)
                return outgoing.closed
            }
            if !writeAll(sending) {
                outgoing.withLock { $0.closed = true; $0.bytes = [] }
                return
            }
            sending.removeAll(keepingCapacity: true)
            if closed {
                // Anything queued after the swap went in before `closed` was set: write it too.
                let rest = outgoing.withLock { outgoing in
                    defer { outgoing.bytes = [] }
                    return outgoing.bytes
                }
                _ = writeAll(rest)
                shutdown(fd, Int32(SHUT_WR))
                return
            }
        }
    }

    /// Writes every byte; false when the socket is broken (the other side is gone).
    private func writeAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    deinit {
        Glibc.close(fd)
    }
}

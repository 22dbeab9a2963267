/// What a non-blocking read gave.
enum ReadResult {
    /// This many bytes were read.
    case bytes(Int)
    /// Nothing is there yet.
    case wouldBlock
    /// The other side closed (TCP) or the file ended.
    case end
}

/// A non-blocking byte input: a serial device, a TCP connection.
protocol ByteChannel: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TICSourceError) -> ReadResult
    /// Whether the channel is ready to read: a TCP connection still being set up answers false
    /// until it is, and throws when it failed. The reader waits on it without blocking a thread.
    func isConnected() throws(TICSourceError) -> Bool
}

extension ByteChannel {
    func isConnected() throws(TICSourceError) -> Bool { true }
}

/// A source that cannot be opened or read, with a message naming it.
public struct TICSourceError: Error, CustomStringConvertible, Sendable {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A non-blocking TCP connection to a serial server (ser2net and site gateways: raw bytes of the
/// line on `tcp://host:port`). Connecting never blocks the caller: the connection is set up in the
/// background and `isConnected()` says when it is ready or why it failed.
final class TCPConnection: ByteChannel {
    let address: String
    private let fd: Int32
    private var connected: Bool

    /// Starts connecting to `host:port`; throws a message naming the address when no connection
    /// can even be started (unknown name, no route, refused at once).
    init(host: String, port: Int) throws(TICSourceError) {
        address = "tcp://\(host):\(port)"
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw TICSourceError("\(address): cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let socketFD = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard socketFD >= 0 else { continue }
            let started = Glibc.connect(socketFD, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0
            if started || errno == EINPROGRESS {
                fd = socketFD
                connected = started
                return
            }
            lastError = String(cString: strerror(errno))
            close(socketFD)
        }
        throw TICSourceError("\(address): cannot connect: \(lastError)")
    }

    deinit {
        close(fd)
    }

    func isConnected() throws(TICSourceError) -> Bool {
        if connected { return true }
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, 0) == 1 else { return false }
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
        guard code == 0 else { throw TICSourceError("\(address): cannot connect: \(String(cString: strerror(code)))") }
        connected = true
        return true
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TICSourceError) -> ReadResult {
        let count = recv(fd, buffer.baseAddress, buffer.count, 0)
        if count > 0 { return .bytes(count) }
        if count == 0 { return .end }
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return .wouldBlock }
        throw TICSourceError("\(address): read failed: \(String(cString: strerror(errno)))")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A non-blocking TCP connection to a serial server (ser2net and site gateways: raw bytes of the
/// line on `tcp://host:port`).
final class TCPConnection: ByteChannel {
    let address: String
    private let fd: Int32

    /// Connects to `host:port` within `timeout`; throws a message naming the address.
    init(host: String, port: Int, timeout: Duration) throws(TICSourceError) {
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
            if Self.connect(socketFD, info.pointee, timeout: timeout, error: &lastError) {
                fd = socketFD
                return
            }
            close(socketFD)
        }
        throw TICSourceError("\(address): cannot connect: \(lastError)")
    }

    deinit {
        close(fd)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TICSourceError) -> ReadResult {
        let count = recv(fd, buffer.baseAddress, buffer.count, 0)
        if count > 0 { return .bytes(count) }
        if count == 0 { return .end }
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return .wouldBlock }
        throw TICSourceError("\(address): read failed: \(String(cString: strerror(errno)))")
    }

    private static func connect(_ fd: Int32, _ info: addrinfo, timeout: Duration, error: inout String) -> Bool {
        if Glibc.connect(fd, info.ai_addr, info.ai_addrlen) == 0 { return true }
        guard errno == EINPROGRESS else {
            error = String(cString: strerror(errno))
            return false
        }
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, milliseconds) == 1 else {
            error = "timed out after \(timeout)"
            return false
        }
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
        guard code == 0 else {
            error = String(cString: strerror(code))
            return false
        }
        return true
    }
}

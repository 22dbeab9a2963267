#if canImport(Glibc)
import Glibc
#endif

/// TCP ports on 127.0.0.1 for tests that start real servers and processes.
public enum LoopbackPort {
    /// A port nobody listens on now (the system's choice for a socket bound to port 0).
    public static func free() -> Int {
        let (socket, port) = bound()
        close(socket)
        return port
    }

    /// A port that is taken: a socket bound to it and listening, until `body` returns. For tests
    /// of what a server does when its address is in use.
    public static func occupied<T>(_ body: (Int) throws -> T) rethrows -> T {
        let (socket, port) = bound()
        defer { close(socket) }
        precondition(listen(socket, 1) == 0, "cannot listen on 127.0.0.1:\(port)")
        return try body(port)
    }

    /// ``occupied(_:)`` for a body that awaits.
    public static func occupied<T>(_ body: (Int) async throws -> T) async rethrows -> T {
        let (socket, port) = bound()
        defer { close(socket) }
        precondition(listen(socket, 1) == 0, "cannot listen on 127.0.0.1:\(port)")
        return try await body(port)
    }

    /// A socket bound to 127.0.0.1 on a port the system chose, and that port.
    private static func bound() -> (socket: Int32, port: Int) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }
}

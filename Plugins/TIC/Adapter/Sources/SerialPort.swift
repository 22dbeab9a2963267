#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A serial device opened raw and non-blocking for TIC: 7E1 with parity errors marked
/// (`CS7 PARENB INPCK PARMRK`), or 8N1 when the adapter checks parity itself (tic.md §1, R1).
final class SerialPort: ByteChannel {
    let path: String
    let fd: Int32
    private let parity: TICParity

    /// Speeds a TIC line may use (02E §1.4: 1200 to 19200 Bd).
    static let speeds: [Int: speed_t] = [
        1200: speed_t(B1200), 2400: speed_t(B2400), 4800: speed_t(B4800), 9600: speed_t(B9600), 19200: speed_t(B19200),
    ]

    /// Opens `path` at `baud`; throws a message naming the device and the failing call.
    init(path: String, baud: Int, parity: TICParity) throws(TICSourceError) {
        self.path = path
        self.parity = parity
        fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw TICSourceError("cannot open serial device \(path): \(String(cString: strerror(errno)))") }
        do {
            try configure(baud: baud)
        } catch {
            close(fd)
            throw error
        }
    }

    deinit {
        close(fd)
    }

    /// Sets the line to `baud` (keeping 7E1 or 8N1) and discards what was received.
    func configure(baud: Int) throws(TICSourceError) {
        guard let speed = Self.speeds[baud] else { throw TICSourceError("\(path): unsupported speed \(baud) Bd (1200, 2400, 4800, 9600 or 19200)") }
        var options = termios()
        guard tcgetattr(fd, &options) == 0 else { throw failure("tcgetattr") }
        cfmakeraw(&options)
        options.c_cflag &= ~(tcflag_t(CSIZE) | tcflag_t(PARODD) | tcflag_t(CSTOPB) | tcflag_t(CRTSCTS))
        options.c_cflag |= tcflag_t(CREAD | CLOCAL)
        options.c_iflag &= ~tcflag_t(IGNPAR | ISTRIP | IXON | IXOFF | IXANY)
        if parity == .marked {
            options.c_cflag |= tcflag_t(CS7 | PARENB)
            options.c_iflag |= tcflag_t(INPCK | PARMRK)
        } else {
            options.c_cflag &= ~tcflag_t(PARENB)
            options.c_cflag |= tcflag_t(CS8)
            options.c_iflag &= ~tcflag_t(INPCK | PARMRK)
        }
        guard cfsetispeed(&options, speed) == 0, cfsetospeed(&options, speed) == 0 else { throw failure("cfsetspeed") }
        guard tcsetattr(fd, TCSANOW, &options) == 0 else { throw failure("tcsetattr") }
        tcflush(fd, TCIFLUSH)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TICSourceError) -> ReadResult {
        let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
        if count > 0 { return .bytes(count) }
        if count == 0 { return .wouldBlock }
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return .wouldBlock }
        throw failure("read")
    }

    private func failure(_ call: String) -> TICSourceError {
        TICSourceError("serial device \(path): \(call) failed: \(String(cString: strerror(errno)))")
    }
}

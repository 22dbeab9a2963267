/// Where the adapter reads TIC bytes from, as the `source` setting says.
public enum TICSourceAddress: Sendable, Hashable {
    /// A serial device path (`/dev/ttyUSB0`, `/dev/serial/by-id/…`).
    case serial(path: String)
    /// A TCP serial server, `tcp://host:port`.
    case tcp(host: String, port: Int)
    /// A capture file, `file:captures/meter.tic` (relative to the configuration file).
    case capture(path: String)

    /// Parses a `source` setting; nil with a reason when malformed.
    public static func parse(_ text: String) -> Result<TICSourceAddress, TICSourceError> {
        if text.hasPrefix("tcp://") {
            let rest = text.dropFirst("tcp://".count)
            guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port),
                colon > rest.startIndex
            else { return .failure(TICSourceError("source \"\(text)\": expected tcp://host:port with a port from 1 to 65535")) }
            var host = String(rest[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }  // [::1]
            return .success(.tcp(host: host, port: port))
        }
        if text.hasPrefix("file:") {
            let path = String(text.dropFirst("file:".count))
            guard !path.isEmpty else { return .failure(TICSourceError("source \"\(text)\": expected file:<path of a capture>")) }
            return .success(.capture(path: path))
        }
        guard text.hasPrefix("/") else {
            return .failure(TICSourceError("source \"\(text)\": expected a serial device path (/dev/…), tcp://host:port or file:<capture>"))
        }
        return .success(.serial(path: text))
    }
}

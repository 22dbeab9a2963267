public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real Mosquitto broker on loopback for a test or a benchmark (an integrator's MQTT adapter's too): its own configuration, port and log in a
/// temporary directory; optionally a TLS listener that requires client certificates. Stop and
/// start it again on the same ports to simulate an outage.
public final class MosquittoBroker: @unchecked Sendable {
    /// The plain listener's port on 127.0.0.1.
    public private(set) var port: Int
    /// The TLS listener's port, when certificates were given.
    public private(set) var tlsPort: Int?
    /// The broker's configuration, log and persistence.
    public let directory: URL
    private var pid: pid_t?

    /// Starts a broker; with `certificates` (a directory holding `ca.pem`, `server.pem` and
    /// `server.key`), also a TLS listener requiring a client certificate signed by that CA.
    /// Ports come from ``LoopbackPort/free()``; if another process takes one before the broker
    /// binds it (tests running in parallel), the broker starts again on new ones.
    public init(certificates: URL? = nil) throws {
        port = 0
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosquitto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for attempt in 1...5 {
            port = LoopbackPort.free()
            tlsPort = certificates == nil ? nil : LoopbackPort.free()
            try writeConfiguration(certificates: certificates)
            do {
                try start()
                return
            } catch where attempt < 5 {
                continue
            }
        }
    }

    private func writeConfiguration(certificates: URL?) throws {
        var configuration = """
            user \(String(cString: getpwuid(getuid()).pointee.pw_name))
            per_listener_settings false
            allow_anonymous true
            persistence true
            persistence_location \(directory.path)/
            autosave_interval 1
            log_dest file \(directory.path)/mosquitto.log
            log_type error
            log_type warning
            log_type notice
            listener \(port) 127.0.0.1
            max_queued_messages 100000

            """
        if let certificates, let tlsPort {
            configuration += """
                listener \(tlsPort) 127.0.0.1
                cafile \(certificates.path)/ca.pem
                certfile \(certificates.path)/server.pem
                keyfile \(certificates.path)/server.key
                require_certificate true

                """
        }
        try Data(configuration.utf8).write(to: directory.appendingPathComponent("mosquitto.conf"))
    }

    deinit { stop() }

    /// Starts the broker and waits until it accepts connections. Spawned with no signal blocked:
    /// the test process's threads block some, and a child inherits that mask (SIGTERM would wait
    /// forever).
    public func start() throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        // Its standard streams go to /dev/null: inheriting the caller's would keep a test runner's
        // output pipe open after the caller exits.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let arguments = [Self.executable, "-c", directory.appendingPathComponent("mosquitto.conf").path]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let code = posix_spawn(&child, Self.executable, &actions, &attributes, &argv, environ)
        guard code == 0 else { throw Failure("mosquitto did not start: \(String(cString: strerror(code)))") }
        pid = child
        let deadline = Date().addingTimeInterval(10)
        while !Self.accepts(port: port) {
            var status: Int32 = 0
            guard Date() < deadline, waitpid(child, &status, WNOHANG) != child else {
                pid = nil
                throw Failure("mosquitto did not start on \(port): \(log())")
            }
            usleep(20_000)
        }
        // Another broker may hold the port: this one then exits (address in use).
        usleep(100_000)
        var status: Int32 = 0
        guard waitpid(child, &status, WNOHANG) != child else {
            pid = nil
            throw Failure("mosquitto exited after starting on \(port): \(log())")
        }
    }

    /// Stops the broker (SIGTERM: it saves its sessions) and waits for it to exit.
    public func stop() {
        guard let pid else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        self.pid = nil
    }

    /// The broker's log.
    public func log() -> String {
        (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? ""
    }

    /// `mqtt://127.0.0.1:<port>`.
    public var url: String { "mqtt://127.0.0.1:\(port)" }

    /// The `mosquitto` executable (Debian: `/usr/sbin/mosquitto`).
    public static let executable: String = {
        for candidate in ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return "mosquitto"
    }()

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Why the broker did not start.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}

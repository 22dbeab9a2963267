import AdapterKitTesting
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real Mosquitto broker on loopback for one test: its own configuration, port and log in a
/// temporary directory; optionally a TLS listener that requires client certificates. Stop and
/// start it again on the same ports to simulate an outage.
final class MosquittoBroker: @unchecked Sendable {
    let port: Int
    let tlsPort: Int?
    let directory: URL
    private var pid: pid_t?

    /// Where the tests' certificates are: `ca.pem`, `server.pem/.key`, `client.pem/.key`, and a
    /// rogue client (`rogue-client.pem/.key`) the TLS listener must refuse.
    static func certificates() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = MQTTTestSupport.repositoryRoot + "/scripts/make-certificates.sh"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, directory.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw MQTTTestSupport.Failure("make-certificates.sh failed") }
        return directory
    }

    /// Starts a broker; with `certificates`, also a TLS listener requiring a client certificate.
    init(certificates: URL? = nil) throws {
        port = LoopbackPort.free()
        tlsPort = certificates == nil ? nil : LoopbackPort.free()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosquitto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = """
            user root
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
        try start()
    }

    deinit { stop() }

    /// Starts the broker and waits until it accepts connections. Spawned with no signal blocked:
    /// the test process's threads block some, and a child inherits that mask (SIGTERM would wait
    /// forever).
    func start() throws {
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
        let arguments = [MQTTTestSupport.mosquittoPath, "-c", directory.appendingPathComponent("mosquitto.conf").path]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let code = posix_spawn(&child, MQTTTestSupport.mosquittoPath, nil, &attributes, &argv, environ)
        guard code == 0 else { throw MQTTTestSupport.Failure("mosquitto did not start: \(String(cString: strerror(code)))") }
        pid = child
        let deadline = Date().addingTimeInterval(10)
        while !MQTTTestSupport.accepts(port: port) {
            var status: Int32 = 0
            guard Date() < deadline, waitpid(child, &status, WNOHANG) == 0 else {
                pid = nil
                throw MQTTTestSupport.Failure("mosquitto did not start on \(port): \(log())")
            }
            usleep(20_000)
        }
    }

    /// Stops the broker (SIGTERM: it saves its sessions) and waits for it to exit.
    func stop() {
        guard let pid else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        self.pid = nil
    }

    /// The broker's log.
    func log() -> String {
        (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? ""
    }

    var url: String { "mqtt://127.0.0.1:\(port)" }
}

enum MQTTTestSupport {
    /// The repository's root, from this file's path.
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let mosquittoPath: String = {
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

    static func waitFor(_ seconds: Double, _ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw Failure("timed out after \(seconds) s waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

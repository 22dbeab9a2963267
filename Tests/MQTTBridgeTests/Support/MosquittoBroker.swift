import AdapterKitTesting
import Foundation

extension MosquittoBroker {
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
}

enum MQTTTestSupport {
    /// The repository's root, from this file's path.
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

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

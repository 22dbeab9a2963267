import EnergySmartOASimulator
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Where the repository is (the demo's certificates), and the simulator served for a test.
enum SmartOATestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Serves `simulator` over HTTPS (the demo's server certificate) on a free loopback port while
    /// `body` runs with that port, then shuts it down.
    static func withPlatform<T: Sendable>(_ simulator: SmartOASimulator, body: (Int) async throws -> T) async throws -> T {
        let port = Atomic<Int>(0)
        let logger = Logger(label: "smartoa-simulator")
        let settings = SmartOASimulator.serverSettings(
            port: 0, certificate: repositoryRoot + "/demo/certs/server.pem", privateKey: repositoryRoot + "/demo/certs/server.key"
        )
        let application = try simulator.makeApplication(settings: settings, logger: logger) { port.store($0, ordering: .relaxed) }
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while port.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(5)) }
            do {
                let result = try await body(port.load(ordering: .relaxed))
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
        }
    }
}

import AdapterKitHTTPServer
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// Serves a router on a free loopback port while a test's body runs, then shuts it down.
enum LoopbackServer {
    static func run<Context: RequestContext>(
        _ router: Router<Context>, _ body: @escaping @Sendable (Int) async throws -> Void
    ) async throws where Context.Source == ApplicationRequestContextSource {
        let port = Mutex(0)
        let app = try HTTPServerApplication.make(
            router: router, settings: HTTPServerSettings(port: 0), name: "test-server", logger: Logger(label: "test"),
            onListening: { bound in port.withLock { $0 = bound } }
        )
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
            do {
                try await body(port.withLock { $0 })
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

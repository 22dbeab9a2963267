import AdapterKitHTTPServer
import ArgumentParser
import EnergyFlexReady
import EnergyFlexReadySimulator
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `energy-sim flexready`: the Flex Ready® emulator (docs/flexready.md, "The emulator").
struct FlexReadyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flexready",
        abstract: "The Flex Ready emulator: login, test sessions, its BACS and operator interfaces, test reports (under /api/v1).",
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serves the emulator until SIGINT or SIGTERM.")

        @Option(help: "host:port to listen on.")
        var listen = "127.0.0.1:8480"
        @Option(name: .customLong("account"), help: "An account, user:password (repeatable; default tester:flexready).")
        var accounts: [String] = []
        @Option(help: "Where the sessions' requests are stored (SQLite files).")
        var dataDir = "flexready-emulator"
        @Option(help: "The emulated time at start, GMT (the data set's day).")
        var clockStart = "2025-04-02T09:00:00"

        func run() async throws {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
                throw ValidationError("--listen must be host:port, not \(listen)")
            }
            var known: [String: String] = [:]
            for account in accounts.isEmpty ? ["tester:flexready"] : accounts {
                guard let separator = account.firstIndex(of: ":"), separator != account.startIndex else {
                    throw ValidationError("--account must be user:password, not \(account)")
                }
                known[String(account[..<separator])] = String(account[account.index(after: separator)...])
            }
            guard let start = FlexTime(parsing: clockStart) else { throw ValidationError("--clock-start must be YYYY-MM-DDTHH:MM:SS, not \(clockStart)") }
            let logger = Logger(label: "flexready-emulator")
            let emulator = try await FlexEmulator(settings: .init(accounts: known, dataDirectory: dataDir, clockStart: start))
            let router = Router()
            try await FlexEmulatorRoutes.register(on: router, emulator: emulator)
            let host = String(listen[..<colon])
            let application = try HTTPServerApplication.make(
                router: router, settings: HTTPServerSettings(host: host, port: port, maximumBodySize: 1 << 20), name: "flexready-emulator", logger: logger,
                onListening: { port in
                    logger.info("Flex Ready emulator listening", metadata: ["address": "http://\(host):\(port)\(FlexEmulatorRoutes.prefix)"])
                }
            )
            let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }
}

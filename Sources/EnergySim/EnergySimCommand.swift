import AdapterKit
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import EnergyRTEPOC
import ServiceLifecycle
import UnixSignals

/// `energy-sim`: the other side of the protocols, for tests and demonstrations.
@main
struct EnergySimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "energy-sim",
        abstract: "Simulators of the systems adapters talk to.",
        version: "0.1.0",
        subcommands: [RTEPOCCommand.self, SmartOACommand.self, FlexReadyCommand.self, SupplierSignalCommand.self, EcoWattCommand.self]
    )
}

/// `energy-sim rte-poc`: RTE's interruptibility reporting API.
struct RTEPOCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rte-poc",
        abstract: "RTE's interruptibility reporting API (POST /api/data over mutual TLS).",
        subcommands: [Serve.self, List.self],
        defaultSubcommand: Serve.self
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serves the API until SIGINT or SIGTERM.")

        @Option(help: "host:port to listen on.")
        var listen = "127.0.0.1:8443"
        @Option(help: "The server's certificate (PEM).")
        var certificate: String
        @Option(name: .customLong("key"), help: "The server's private key (PEM).")
        var privateKey: String
        @Option(name: .customLong("client-ca"), help: "The CA client certificates must chain to (PEM).")
        var clientCA: String
        @Option(help: "The SQLite file of received reports.")
        var database = "rte-poc.sqlite"

        func run() async throws {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
                throw ValidationError("--listen must be host:port, not \(listen)")
            }
            var settings = RTEPOCServer.Settings(certificate: certificate, privateKey: privateKey, clientCA: clientCA, database: database)
            settings.host = String(listen[..<colon])
            settings.port = port
            let logger = Logger(label: "rte-poc")
            let server = try RTEPOCServer(settings: settings)
            let application = try server.makeApplication(logger: logger) { [settings] port in
                logger.info("RTE POC API listening", metadata: ["address": "https://\(settings.host):\(port)/api/data", "database": "\(settings.database)"])
            }
            let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Prints the received reports, one JSON line each.")

        @Option(help: "The SQLite file of received reports.")
        var database = "rte-poc.sqlite"

        func run() throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for entry in try RTEReportStore(path: database).entries() {
                var line = String(decoding: try encoder.encode(entry.report), as: UTF8.self)
                line.removeLast()
                print(line + #","received":"\#(entry.received)"}"#)
            }
        }
    }
}

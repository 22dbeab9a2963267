import ArgumentParser
import EnergySmartOASimulator
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `energy-sim smartoa`: the Smart OA platform (EDF OA curtailment orders).
struct SmartOACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smartoa",
        abstract: "The Smart OA platform: contracts, curtailment orders and acknowledgements over HTTPS.",
        subcommands: [Serve.self, Acks.self],
        defaultSubcommand: Serve.self
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serves a scenario until SIGINT or SIGTERM.")

        @Option(help: "host:port to listen on.")
        var listen = "127.0.0.1:8444"
        @Option(help: "The server's certificate (PEM).")
        var certificate: String
        @Option(name: .customLong("key"), help: "The server's private key (PEM).")
        var privateKey: String
        @Option(help: "The scenario (JSON: accounts, contracts, curtailments, options).")
        var scenario: String
        @Option(help: "The largest page served (overrides options.max_page_size).")
        var maxPageSize: Int?
        @Option(help: "The JSON Lines record of requests and acknowledgements, emptied at start (overrides options.record_file).")
        var record: String?

        func run() async throws {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
                throw ValidationError("--listen must be host:port, not \(listen)")
            }
            var scenario = try SmartOAScenario.load(path: self.scenario)
            var options = scenario.options ?? SmartOAScenario.Options()
            options.maxPageSize = maxPageSize ?? options.maxPageSize
            options.recordFile = record ?? options.recordFile
            scenario.options = options
            let logger = Logger(label: "smartoa")
            let simulator = try SmartOASimulator(scenario: scenario)
            let host = String(listen[..<colon])
            let settings = SmartOASimulator.serverSettings(host: host, port: port, certificate: certificate, privateKey: privateKey)
            let recordFile = options.recordFile ?? "none"
            let application = try simulator.makeApplication(settings: settings, logger: logger) { port in
                logger.info("Smart OA platform listening", metadata: ["address": "https://\(host):\(port)", "record": "\(recordFile)"])
            }
            let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }

    struct Acks: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prints the acknowledgements of a record file, one JSON line each (outcome, curtailment, version, times)."
        )

        @Option(help: "The record file written by `serve --record`.")
        var record: String

        func run() throws {
            let text = try String(contentsOfFile: record, encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasSuffix(#","type":"acknowledgement"}"#) {
                print(line)
            }
        }
    }
}

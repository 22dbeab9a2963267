import AdapterKitHTTPServer
import ArgumentParser
import EnergyFlexReadySimulator
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `energy-sim supplier-signal`: a supplier's GetCommodityPriceExchange (docs/flexready.md).
struct SupplierSignalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supplier-signal",
        abstract: "A supplier's GetCommodityPriceExchange: quarter-hour prices, subscribed power and CO2, one call per 15 min per building."
    )

    @Option(help: "host:port to listen on.")
    var listen = "127.0.0.1:8481"
    @Option(name: .customLong("building"), help: "A building supplied, id:delivery-point (14 digits); repeatable.")
    var buildings: [String] = ["demo-building:30001234567890"]
    @Option(help: "The bearer token required, if any.")
    var token: String?

    func run() async throws {
        var known: [String: String] = [:]
        for building in buildings {
            let parts = building.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[1].count == 14, parts[1].allSatisfy(\.isNumber) else {
                throw ValidationError("--building must be id:delivery-point (14 digits), not \(building)")
            }
            known[parts[0]] = parts[1]
        }
        let router = Router()
        SignalSimulatorRoutes.register(on: router, supplier: SupplierSignalSimulator(settings: .init(buildings: known, token: token)))
        try await serve(router, listen: listen, name: "supplier-signal")
    }
}

/// `energy-sim ecowatt`: RTE's EcoWatt API v5 with its OAuth 2 token endpoint.
struct EcoWattCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ecowatt",
        abstract: "RTE's EcoWatt API v5: POST /token/oauth/ (client credentials), GET /open_api/ecowatt/v5/signals, one call per 15 min."
    )

    @Option(help: "host:port to listen on.")
    var listen = "127.0.0.1:8482"
    @Option(help: "The OAuth 2 client's id.")
    var clientId = "demo-client"
    @Option(help: "The OAuth 2 client's secret.")
    var clientSecret = "demo-secret"

    func run() async throws {
        let router = Router()
        SignalSimulatorRoutes.register(on: router, ecowatt: EcoWattSimulator(settings: .init(clientID: clientId, clientSecret: clientSecret)))
        try await serve(router, listen: listen, name: "ecowatt")
    }
}

/// Serves `router` on `listen` (host:port) until SIGINT or SIGTERM.
func serve(_ router: Router<BasicRequestContext>, listen: String, name: String) async throws {
    guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
        throw ValidationError("--listen must be host:port, not \(listen)")
    }
    let logger = Logger(label: name)
    let host = String(listen[..<colon])
    let application = try HTTPServerApplication.make(
        router: router, settings: HTTPServerSettings(host: host, port: port), name: name, logger: logger,
        onListening: { port in logger.info("\(name) simulator listening", metadata: ["address": "http://\(host):\(port)"]) }
    )
    let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
}

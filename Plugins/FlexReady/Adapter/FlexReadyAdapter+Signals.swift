import AdapterKit
import AdapterKitHTTPClient
import ServiceLifecycle

/// The supplier's and EcoWatt's signals, published as `tariff_signal` (docs/flexready.md,
/// "Supplier and EcoWatt signals").
extension FlexReadyAdapter {
    /// The supplier's signal: `GetCommodityPriceExchange` every `every_min`, its quarter-hours
    /// published on `tariffs`.
    func runSupplierSignal(_ supplier: FlexReadyConfiguration.Supplier) async throws {
        let context = context
        let settings = HTTPClientSettings(baseURL: supplier.url.hasSuffix("/") ? String(supplier.url.dropLast()) : supplier.url, bearerToken: supplier.token)
        try await cancelWhenGracefulShutdown {
            try await HTTPClientResource.run(settings, resolvePath: context.resolvePath) { http in
                let path = SupplierSignal.path(buildingID: supplier.buildingId, hours: supplier.hours, deliveryPoint: supplier.dp)
                let poller = SignalPoller(name: "supplier signal", alarmCode: "flex_supplier_signal_missing", interval: .seconds(supplier.everyMin * 60)) {
                    let answer = try await http.send(HTTPRequestSpec(path: path, headers: [("Accept", "application/json")]))
                    return try SupplierSignal.signals(in: answer.text, deliveryPoint: supplier.dp)
                }
                await poller.run(context: context)
            }
        }
    }

    /// RTE's EcoWatt signal: a token by OAuth 2 client credentials, then the v5 signals every
    /// `every_min`, their hours published on `tariffs`.
    func runEcoWattSignal(_ ecowatt: FlexReadyConfiguration.EcoWatt) async throws {
        let context = context
        let settings = HTTPClientSettings(baseURL: ecowatt.url.hasSuffix("/") ? String(ecowatt.url.dropLast()) : ecowatt.url)
        let tokens = OAuth2ClientCredentials(tokenPath: ecowatt.tokenPath, clientID: ecowatt.clientId, clientSecret: ecowatt.clientSecret)
        try await cancelWhenGracefulShutdown {
            try await HTTPClientResource.run(settings, resolvePath: context.resolvePath) { http in
                let poller = SignalPoller(name: "EcoWatt signal", alarmCode: "flex_ecowatt_signal_missing", interval: .seconds(ecowatt.everyMin * 60)) {
                    let request = { (token: String) in
                        HTTPRequestSpec(path: EcoWattSignal.path, headers: [("Authorization", "Bearer \(token)"), ("Accept", "application/json")])
                    }
                    let answer: HTTPAnswer
                    do {
                        answer = try await http.send(request(try await tokens.token(using: http)))
                    } catch HTTPFailure.unauthorized(_) {
                        // A token refused (revoked before its expiry) is bought again once, at once.
                        await tokens.invalidate()
                        answer = try await http.send(request(try await tokens.token(using: http)))
                    }
                    return try EcoWattSignal.signals(in: answer.text)
                }
                await poller.run(context: context)
            }
        }
    }
}

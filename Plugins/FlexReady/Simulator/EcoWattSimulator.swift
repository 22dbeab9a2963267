package import AdapterKit
package import Foundation

/// RTE's EcoWatt API (v5), for tests and the demo: `POST /token/oauth/` (HTTP Basic with the
/// client's id and secret, `grant_type=client_credentials`) gives a bearer token valid two hours;
/// `GET /open_api/ecowatt/v5/signals` with it gives four local days of hourly signals from today.
/// The quota is enforced: a second call of the signals within 15 minutes gets 429.
package actor EcoWattSimulator {
    package struct Settings: Sendable {
        package var clientID: String
        package var clientSecret: String
        /// Seconds between two calls of the signals (RTE's quota: 15 minutes).
        package var quotaSeconds: Double = 900

        package init(clientID: String, clientSecret: String) {
            self.clientID = clientID
            self.clientSecret = clientSecret
        }
    }

    private let settings: Settings
    private let now: @Sendable () -> Date
    private var tokens: [String: Date] = [:]
    private var lastCall: Date?

    package init(settings: Settings, now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.now = now
    }

    /// The token endpoint's answer to `authorization` and a form `body`.
    package func token(authorization: String?, body: String) -> (status: Int, body: JSONValue) {
        let expected = "Basic " + Data("\(settings.clientID):\(settings.clientSecret)".utf8).base64EncodedString()
        guard authorization == expected else { return (401, .error("invalid_client")) }
        guard body.split(separator: "&").contains("grant_type=client_credentials") else { return (400, .error("unsupported_grant_type")) }
        let token = UUID().uuidString
        tokens[token] = now().addingTimeInterval(7200)
        return (200, .object(["access_token": .string(token), "token_type": .string("Bearer"), "expires_in": .number(7200)]))
    }

    /// The signals' answer to `authorization`, with extra headers.
    package func signals(authorization: String?) -> (status: Int, body: JSONValue, retryAfter: Int?) {
        let time = now()
        guard let token = authorization?.split(separator: " ").last.map(String.init), let expiry = tokens[token], expiry > time else {
            return (401, .error("invalid or expired token"), nil)
        }
        if let lastCall, time.timeIntervalSince(lastCall) < settings.quotaSeconds {
            let wait = Int((settings.quotaSeconds - time.timeIntervalSince(lastCall)).rounded(.up))
            return (429, .error("one call per 15 minutes"), wait)
        }
        lastCall = time
        let today = Calendar.paris.startOfDay(for: time)
        let days: [JSONValue] = (0..<4).map { offset in
            let day = Calendar.paris.date(byAdding: .day, value: offset, to: today)!
            let hours = (0..<24).map { hour in Self.level(day: offset, hour: hour) }
            return .object([
                "GenerationFichier": .string(SupplierSignalSimulator.localText(time)), "jour": .string(SupplierSignalSimulator.localText(day)),
                "dvalue": .number(Double(hours.max() ?? 1)), "message": .string(Self.message(hours.max() ?? 1)),
                "values": .array(hours.enumerated().map { .object(["pas": .number(Double($0.offset)), "hvalue": .number(Double($0.element))]) }),
            ])
        }
        return (200, .object(["signals": .array(days)]), nil)
    }

    /// The simulated level of `hour` on the `day`-th day: low-carbon nights, a tense evening peak
    /// tomorrow, a very tense one the day after.
    static func level(day: Int, hour: Int) -> Int {
        if hour < 6 { return 0 }
        if day == 1, (8..<10).contains(hour) || (18..<20).contains(hour) { return 2 }
        if day == 2, (18..<20).contains(hour) { return 3 }
        if day == 2, (8..<10).contains(hour) { return 2 }
        return 1
    }

    static func message(_ level: Int) -> String {
        switch level {
        case 3: "Système électrique très tendu. Coupures inévitables si nous ne baissons pas notre consommation."
        case 2: "Système électrique tendu. Les écogestes sont les bienvenus."
        default: "Pas d'alerte."
        }
    }
}

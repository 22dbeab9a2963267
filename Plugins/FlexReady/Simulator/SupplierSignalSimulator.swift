package import AdapterKit
package import Foundation

/// A supplier's `GetCommodityPriceExchange` (the référentiel's supplier signal), for tests and the
/// demo: `GET /GetCommodityPriceExchange/{building_id}?DateTimeInterval={hours}&DP={dp}` answers
/// the next hours' quarter-hours from the current one, in French local time with its offset: the
/// subscribed power, a peak / off-peak price (06:00–22:00 local: peak) and a carbon footprint
/// that follows the day. The quota is enforced: a building calling again within 15 minutes gets
/// 429 with `Retry-After`.
package actor SupplierSignalSimulator {
    /// What the simulated supplier knows.
    package struct Settings: Sendable {
        /// The buildings it supplies: id → delivery point (14 digits).
        package var buildings: [String: String]
        /// The bearer token it requires, if any.
        package var token: String?
        package var subscribedKVA: Double = 36
        package var peakPrice: Double = 0.2516
        package var offPeakPrice: Double = 0.1828
        /// Seconds between two calls of a building (the référentiel's quota: 15 minutes).
        package var quotaSeconds: Double = 900

        package init(buildings: [String: String], token: String? = nil) {
            self.buildings = buildings
            self.token = token
        }
    }

    private let settings: Settings
    private let now: @Sendable () -> Date
    private var lastCall: [String: Date] = [:]

    package init(settings: Settings, now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.now = now
    }

    /// The answer to a call: status, JSON body, extra headers.
    package func answer(buildingID: String, hours: String?, dp: String?, authorization: String?) -> (status: Int, body: JSONValue, retryAfter: Int?) {
        if let token = settings.token, authorization != "Bearer \(token)" { return (401, .error("a valid bearer token is required"), nil) }
        guard let expected = settings.buildings[buildingID] else { return (404, .error("unknown building \(buildingID)"), nil) }
        guard let hours = hours.flatMap(Int.init), (1...168).contains(hours) else { return (400, .error("DateTimeInterval must be 1 to 168 hours"), nil) }
        guard dp == expected else { return (400, .error("DP \(dp ?? "missing") is not the delivery point of building \(buildingID)"), nil) }
        let time = now()
        if let last = lastCall[buildingID], time.timeIntervalSince(last) < settings.quotaSeconds {
            let wait = Int((settings.quotaSeconds - time.timeIntervalSince(last)).rounded(.up))
            return (429, .error("one call per 15 minutes per building"), wait)
        }
        lastCall[buildingID] = time
        let first = (time.timeIntervalSince1970 / 900).rounded(.down) * 900
        let values: [JSONValue] = (0..<(hours * 4)).map { step in
            let start = Date(timeIntervalSince1970: first + Double(step) * 900)
            let hour = Calendar.paris.component(.hour, from: start)
            let co2 = 40 + 25 * sin(Double(hour) / 24 * 2 * .pi)
            return .object([
                "Step": .number(Double(step + 1)), "Day": .string(Self.localText(start)), "Power": .number(settings.subscribedKVA),
                "Cost": .number((6..<22).contains(hour) ? settings.peakPrice : settings.offPeakPrice), "CO2": .number((co2 * 10).rounded() / 10),
            ])
        }
        return (200, .object([
            "FileGeneration": .string(Self.localText(time)), "DP": .string(expected), "DateTimeInterval": .number(Double(hours)), "Values": .array(values),
        ]), nil)
    }

    /// `YYYY-MM-DDThh:mm:ss+hh:mm` in French local time.
    package static func localText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = Calendar.paris.timeZone
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssxxx"
        return formatter.string(from: date)
    }
}

extension JSONValue {
    /// `{"error": message}`.
    static func error(_ message: String) -> JSONValue { .object(["error": .string(message)]) }
}

extension Calendar {
    /// The Gregorian calendar in French local time (Europe/Paris).
    static let paris: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? TimeZone(secondsFromGMT: 3600)!
        return calendar
    }()
}

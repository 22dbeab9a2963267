import AdapterKit
import Foundation

extension FlexReadyConfiguration {
    /// Every rule the schema cannot express: the BACS to serve (a data set or a list, not both, not
    /// neither), unique ids, potentials' times and periods, some authentication.
    func issues(resolvePath: (String) -> String) -> [ConfigurationIssue] {
        var issues: [ConfigurationIssue] = []
        switch (dataSet, (bacs ?? []).isEmpty) {
        case (nil, true) where `operator` == nil && supplier == nil && ecowatt == nil:
            issues.append(ConfigurationIssue(
                "bacs", "no BACS to serve and no operator role: list BACS, set data_set, or configure operator (or a supplier or EcoWatt signal)"))
        case (.some, false): issues.append(ConfigurationIssue("data_set", "both data_set and bacs are set: choose one"))
        default: break
        }
        if let role = `operator` { issues += Self.issues(of: role, resolvePath: resolvePath) }
        if servesBACS, (clients ?? []).isEmpty, jwtHs256Secret == nil, jwtRs256PublicKey == nil, !allowAnonymous {
            issues.append(ConfigurationIssue(
                "clients", "no way to authenticate operators: give clients, jwt_hs256_secret or jwt_rs256_public_key (or allow_anonymous for a loopback demo)"))
        }
        if let file = jwtRs256PublicKey {
            let pem = (try? String(contentsOfFile: resolvePath(file), encoding: .utf8)) ?? ""
            if !pem.contains("-----BEGIN PUBLIC KEY-----") && !pem.contains("-----BEGIN CERTIFICATE-----") {
                issues.append(ConfigurationIssue("jwt_rs256_public_key", "\(resolvePath(file)) is not a readable PEM public key or certificate"))
            }
        }
        if let secret = jwtHs256Secret, secret.utf8.count < 32 {
            issues.append(ConfigurationIssue("jwt_hs256_secret", "is \(secret.utf8.count) bytes long; an HS256 secret needs 32 at least"))
        }
        var names: Set<String> = []
        for (index, client) in (clients ?? []).enumerated() where !names.insert(client.name).inserted {
            issues.append(ConfigurationIssue("clients[\(index)].name", "\"\(client.name)\" names two clients"))
        }
        var ids: Set<String> = []
        for (index, served) in (bacs ?? []).enumerated() {
            let path = "bacs[\(index)]"
            if !ids.insert(served.id).inserted { issues.append(ConfigurationIssue("\(path).id", "\"\(served.id)\" is configured twice")) }
            var assets: Set<String> = []
            for (position, asset) in served.assets.enumerated() {
                if !assets.insert(asset.id).inserted {
                    issues.append(ConfigurationIssue("\(path).assets[\(position)].id", "\"\(asset.id)\" is configured twice in this BACS"))
                }
                for (number, potential) in asset.potentials.enumerated() {
                    issues += Self.issues(of: potential, at: "\(path).assets[\(position)].potentials[\(number)]")
                }
            }
        }
        let known = Set(served.flatMap { bacs in bacs.assets.map { "\(bacs.id)/\($0.id)" } })
        for key in (meters ?? [:]).keys.sorted() where !known.contains(key) {
            issues.append(ConfigurationIssue("meters.\(key)", "names no asset served (\"{bacs_id}/{asset_id}\")"))
        }
        return issues
    }

    /// The assets each meter (adapter id) feeds.
    var assetsByMeter: [String: [FlexConsumptions.Asset]] {
        var assets: [String: [FlexConsumptions.Asset]] = [:]
        for (key, meter) in meters ?? [:] {
            guard let slash = key.firstIndex(of: "/") else { continue }
            assets[meter, default: []].append(FlexConsumptions.Asset(bacsID: String(key[..<slash]), assetID: String(key[key.index(after: slash)...])))
        }
        return assets
    }

    private static func issues(of potential: Potential, at path: String) -> [ConfigurationIssue] {
        var issues: [ConfigurationIssue] = []
        switch (potential.windows, potential.yearPeriod) {
        case (nil, nil): issues.append(ConfigurationIssue(path, "give windows or a year_period"))
        case (.some, .some): issues.append(ConfigurationIssue(path, "both windows and year_period are set: choose one"))
        case (.some(let windows), nil):
            for (index, window) in windows.enumerated() {
                let start = FlexTime(parsing: window.start), end = FlexTime(parsing: window.end)
                if start == nil { issues.append(ConfigurationIssue("\(path).windows[\(index)].start", "\"\(window.start)\" is not a date and time YYYY-MM-DDTHH:MM:SS")) }
                if end == nil { issues.append(ConfigurationIssue("\(path).windows[\(index)].end", "\"\(window.end)\" is not a date and time YYYY-MM-DDTHH:MM:SS")) }
                if let start, let end, end <= start { issues.append(ConfigurationIssue("\(path).windows[\(index)].end", "is not after its start")) }
            }
        case (nil, .some(let year)):
            let start = Self.day(year.startDay), end = Self.day(year.endDay)
            if start == nil { issues.append(ConfigurationIssue("\(path).year_period.start_day", "\"\(year.startDay)\" is not a date YYYY-MM-DD")) }
            if end == nil { issues.append(ConfigurationIssue("\(path).year_period.end_day", "\"\(year.endDay)\" is not a date YYYY-MM-DD")) }
            if let start, let end, end < start { issues.append(ConfigurationIssue("\(path).year_period.end_day", "is before its start_day")) }
            for (key, values) in [("months", potential.months), ("weekdays", potential.weekdays), ("hours", potential.hours)] where (values ?? []).isEmpty {
                issues.append(ConfigurationIssue("\(path).\(key)", "a recurring potential needs at least one"))
            }
        }
        return issues
    }

    /// Days since the epoch of a date `YYYY-MM-DD`.
    static func day(_ text: String) -> Int64? {
        guard text.utf8.count == 10 else { return nil }
        return FlexTime(parsing: text + "T00:00:00")?.dayNumber
    }

    /// The BACS this instance serves (valid configuration: ``issues()`` is empty).
    var served: [FlexBACS] {
        if dataSet != nil { return FlexEmulatorDataSet.bacs(level: dataSetLevel == 1 ? .one : .two) }
        return (bacs ?? []).map { served in
            FlexBACS(
                id: served.id, level: served.level == 1 ? .one : .two, minimumPrice: served.minimumPrice,
                assets: served.assets.map { asset in
                    FlexAsset(id: asset.id, flexProduct: FlexProduct(rawValue: asset.flexProduct) ?? .wholesaleIntraday, potentials: asset.potentials.map(Self.potential))
                }
            )
        }
    }

    private static func potential(_ potential: Potential) -> FlexPotential {
        let availability: FlexPotential.Availability
        if let year = potential.yearPeriod {
            availability = .recurring(
                year: FlexPotential.YearPeriod(startDay: day(year.startDay) ?? 0, endDay: day(year.endDay) ?? 0),
                months: Set(potential.months ?? []), weekdays: Set(potential.weekdays ?? []), hours: Set(potential.hours ?? [])
            )
        } else {
            availability = .windows((potential.windows ?? []).compactMap { window in
                guard let start = FlexTime(parsing: window.start), let end = FlexTime(parsing: window.end) else { return nil }
                return FlexPotential.Window(start: start, end: end)
            })
        }
        return FlexPotential(
            power: FloatQuantity(unit: "W", multiplier: .kilo, value: potential.powerKw),
            mobilizationDelayMinutes: potential.mobilizationDelayMin, maxDurationMinutes: potential.maxDurationMin,
            maxActivationsPerDay: potential.maxActivationsPerDay, availability: availability
        )
    }
}

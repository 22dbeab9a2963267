import AdapterKit
import AdapterKitHTTPClient
import Foundation

extension FlexReadyConfiguration {
    /// What the schema cannot express in the operator role: the URL, the price at level 2, the
    /// start request's times, the CA file.
    static func issues(of role: Operator, resolvePath: (String) -> String) -> [ConfigurationIssue] {
        var issues: [ConfigurationIssue] = []
        if URL(string: role.bacsUrl)?.host == nil { issues.append(ConfigurationIssue("operator.bacs_url", "\"\(role.bacsUrl)\" is not an http(s) URL")) }
        if role.level == 2, role.askingPrice == nil {
            issues.append(ConfigurationIssue("operator.asking_price", "a level 2 BACS refuses requests without askingPrice: give the price offered"))
        }
        for (name, value) in (role.headers ?? [:]).sorted(by: { $0.key < $1.key })
        where name.isEmpty || name.contains(where: { !($0.isLetter || $0.isNumber || "-_".contains($0)) }) || value.contains(where: \.isNewline) {
            issues.append(ConfigurationIssue("operator.headers.\(name)", "a header name is letters, digits, - and _; a value is one line"))
        }
        if let scenario = role.runOnStart {
            let start = FlexTime(parsing: scenario.start), end = FlexTime(parsing: scenario.end)
            if start == nil { issues.append(ConfigurationIssue("operator.run_on_start.start", "\"\(scenario.start)\" is not a date and time YYYY-MM-DDTHH:MM:SS")) }
            if end == nil { issues.append(ConfigurationIssue("operator.run_on_start.end", "\"\(scenario.end)\" is not a date and time YYYY-MM-DDTHH:MM:SS")) }
            if let start, let end, end <= start { issues.append(ConfigurationIssue("operator.run_on_start.end", "is not after its start")) }
        }
        return issues + role.httpSettings.issues(prefix: "operator.", resolvePath: resolvePath)
    }
}

extension FlexReadyConfiguration {
    /// How to reach the operator for acceptFlexRequest, when `accept_url` is set.
    var acceptanceSettings: HTTPClientSettings? {
        acceptUrl.map { url in
            HTTPClientSettings(baseURL: url.hasSuffix("/") ? String(url.dropLast()) : url, connectTimeout: .seconds(5), requestTimeout: .seconds(5), bearerToken: acceptToken)
        }
    }
}

extension FlexReadyConfiguration.Operator {
    /// How to reach the BACS: its URL, the token, the longest of the référentiel's timeouts (each
    /// call has its own, ``FlexOperatorClient/timeout(of:level:)``).
    var httpSettings: HTTPClientSettings {
        HTTPClientSettings(
            baseURL: bacsUrl.hasSuffix("/") ? String(bacsUrl.dropLast()) : bacsUrl, connectTimeout: .seconds(5), requestTimeout: .seconds(15 * 60),
            trust: caCertificate.map { .pinned(caFile: $0) } ?? .systemRoots, bearerToken: token
        )
    }

    var evaluatorLevel: FlexRequestEvaluator.Level { level == 1 ? .one : .two }
}

import AdapterKit
import Foundation

/// An instance's configuration resolved for its site and instance: placeholders replaced,
/// defaults applied, the broker address parsed, and every problem the schema cannot see found.
struct BridgeSettings: Sendable {
    var client: MosquittoClient.Settings
    var gatewayID: String
    /// `gateway/instance`: the origin of every message this bridge sends.
    var origin: String
    var statusTopic: String
    var routing: BridgeRouting
    var telemetryBuffer: Int
    var format: BridgeMessage.Format
    var inflightLimit: Int

    /// Resolves `configuration`; throws the issues found, all of them.
    init(_ configuration: MQTTBridgeConfiguration, siteID: String, instanceID: String, resolvePath: (String) -> String) throws(BridgeSettingsError) {
        var issues: [ConfigurationIssue] = []
        let gateway = configuration.gatewayId ?? siteID
        let broker = BrokerAddress(configuration.broker)
        if broker == nil { issues.append(ConfigurationIssue("broker", "\"\(configuration.broker)\" is not mqtt://host[:port] or mqtts://host[:port]")) }
        if configuration.reconnectMinS > configuration.reconnectMaxS {
            issues.append(ConfigurationIssue("reconnect_min_s", "\(configuration.reconnectMinS) is above reconnect_max_s (\(configuration.reconnectMaxS))"))
        }
        if (configuration.clientCertificate == nil) != (configuration.clientKey == nil) {
            issues.append(ConfigurationIssue(configuration.clientKey == nil ? "client_key" : "client_certificate", "client_certificate and client_key go together"))
        }
        if let broker, !broker.useTLS {
            for (key, value) in [("ca_certificate", configuration.caCertificate), ("client_certificate", configuration.clientCertificate)] where value != nil {
                issues.append(ConfigurationIssue(key, "needs an mqtts:// broker (\(configuration.broker) is plain MQTT)"))
            }
        }
        if configuration.password != nil && configuration.username == nil {
            issues.append(ConfigurationIssue("password", "a password needs a username"))
        }
        let expand = { (text: String) in
            Topic.expand(text, site: siteID, adapter: instanceID).replacingOccurrences(of: "{gateway}", with: gateway)
        }
        let statusTopic = expand(configuration.statusTopic)
        if let problem = Topic.problem(in: statusTopic, isFilter: false) { issues.append(ConfigurationIssue("status_topic", problem)) }
        let outbound = (configuration.outbound ?? [Self.defaultOutbound]).enumerated().map { index, route in
            OutboundRoute(
                name: route.name ?? "out-\(index)", filter: expand(route.filter), prefix: expand(route.prefix),
                qos: route.qos.map(Int32.init), retain: route.retain, kinds: route.kinds.map { Set($0.map(EventKind.init(rawValue:))) }
            )
        }
        for (index, route) in outbound.enumerated() {
            if let problem = Topic.problem(in: route.filter, isFilter: true) { issues.append(ConfigurationIssue("outbound[\(index)].filter", problem)) }
            if let problem = Topic.problem(in: route.prefix, isFilter: false) { issues.append(ConfigurationIssue("outbound[\(index)].prefix", problem)) }
        }
        let inbound = (configuration.inbound ?? []).enumerated().map { index, route in
            InboundRoute(
                name: route.name ?? "in-\(index)", filter: expand(route.filter), kinds: Set(route.kinds.map(EventKind.init(rawValue:))),
                busPrefix: route.busPrefix.map(expand), qos: Int32(route.qos)
            )
        }
        for (index, route) in inbound.enumerated() {
            if let problem = Topic.problem(in: route.filter, isFilter: true) { issues.append(ConfigurationIssue("inbound[\(index)].filter", problem)) }
            if let prefix = route.busPrefix, let problem = Topic.problem(in: prefix, isFilter: false) {
                issues.append(ConfigurationIssue("inbound[\(index)].bus_prefix", problem))
            }
        }
        let names = outbound.map(\.name) + inbound.map(\.name)
        for name in Set(names) where names.filter({ $0 == name }).count > 1 {
            issues.append(ConfigurationIssue("outbound", "the mapping name \"\(name)\" is used twice"))
        }
        guard issues.isEmpty, let broker else { throw BridgeSettingsError(issues: issues) }
        let origin = "\(gateway)/\(instanceID)"
        let will = BridgeStatus(gateway: gateway, state: "offline", reason: "connection lost")
        client = MosquittoClient.Settings(
            host: broker.host, port: broker.port, clientID: configuration.clientId ?? "energy-\(gateway)-\(instanceID)",
            persistentSession: configuration.persistentSession, keepalive: Int32(configuration.keepaliveS),
            reconnectMin: UInt32(configuration.reconnectMinS), reconnectMax: UInt32(configuration.reconnectMaxS),
            username: configuration.username, password: configuration.password,
            caCertificate: configuration.caCertificate.map(resolvePath), clientCertificate: configuration.clientCertificate.map(resolvePath),
            clientKey: configuration.clientKey.map(resolvePath), useTLS: broker.useTLS,
            will: (statusTopic, will.json())
        )
        gatewayID = gateway
        self.origin = origin
        self.statusTopic = statusTopic
        routing = BridgeRouting(
            outbound: outbound, inbound: inbound,
            lossless: Set((configuration.losslessKinds ?? MQTTBridgeConfiguration.defaultLosslessKinds).map(EventKind.init(rawValue:))),
            origin: origin
        )
        telemetryBuffer = configuration.telemetryBuffer
        format = configuration.format
        inflightLimit = configuration.inflightLimit
    }

    private static let defaultOutbound = MQTTBridgeConfiguration.Outbound(
        name: nil, filter: "sites/{site}/#", prefix: "energy/{gateway}", qos: nil, retain: false, kinds: nil
    )
}

/// The problems found in a configuration.
struct BridgeSettingsError: Error {
    var issues: [ConfigurationIssue]
}

/// A broker's address from its URL.
struct BrokerAddress: Sendable, Hashable {
    var host: String
    var port: Int32
    var useTLS: Bool

    /// Parses `mqtt://host[:port]` or `mqtts://host[:port]` (an IPv6 host in brackets); nil otherwise.
    init?(_ url: String) {
        let useTLS: Bool
        let rest: Substring
        if url.hasPrefix("mqtts://") {
            useTLS = true
            rest = url.dropFirst(8)
        } else if url.hasPrefix("mqtt://") {
            useTLS = false
            rest = url.dropFirst(7)
        } else {
            return nil
        }
        var host = rest
        var port: Int32 = useTLS ? 8883 : 1883
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let tail = rest[rest.index(after: close)...]
            if !tail.isEmpty {
                guard tail.hasPrefix(":"), let value = Int32(tail.dropFirst()) else { return nil }
                port = value
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            guard let value = Int32(rest[rest.index(after: colon)...]) else { return nil }
            port = value
        }
        guard !host.isEmpty, !host.contains("/"), (1...65_535).contains(port) else { return nil }
        self.host = String(host)
        self.port = port
        self.useTLS = useTLS
    }
}

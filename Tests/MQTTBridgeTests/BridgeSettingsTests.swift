import AdapterKit
import AdapterKitTesting
import Foundation
import Testing

@testable import EnergyMQTTBridge

/// Broker URLs, defaults and wrong configurations, each named by its key.
@Suite struct BridgeSettingsTests {
    @Test func brokerAddresses() {
        func parts(_ url: String) -> String? { BrokerAddress(url).map { "\($0.useTLS ? "tls" : "plain") \($0.host) \($0.port)" } }
        #expect(parts("mqtt://127.0.0.1") == "plain 127.0.0.1 1883")
        #expect(parts("mqtts://broker.example:18883") == "tls broker.example 18883")
        #expect(parts("mqtts://broker.example") == "tls broker.example 8883")
        #expect(parts("mqtt://[::1]:1884") == "plain ::1 1884")
        for bad in ["http://x", "mqtt://", "mqtt://x:0", "mqtt://x:65536", "mqtt://x:-1", "mqtt://x:port", "mqtt://[::1", "mqtt://x/y", "mqtt://x:99999999999999999999"] {
            #expect(BrokerAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func defaultsSendTheWholeSiteAndNothingComesIn() throws {
        let host = try InMemoryHost(siteID: "site-7", instanceID: "mqtt")
        #expect(host.validate(MQTTBridgeAdapter.self, configuration: #"{"broker": "mqtt://127.0.0.1"}"#).isEmpty)
        let configuration = try AdapterConfigurations.make(
            MQTTBridgeAdapter.self, json: #"{"broker": "mqtt://127.0.0.1"}"#,
            environment: ValidationEnvironment(siteID: "site-7", instanceID: "mqtt", dataDirectory: host.dataDirectory, configurationDirectory: "/")
        )
        let settings = try BridgeSettings(configuration, siteID: "site-7", instanceID: "mqtt") { $0 }
        #expect(settings.routing.outbound == [OutboundRoute(name: "out-0", filter: "sites/site-7/#", prefix: "energy/site-7", qos: nil, retain: false, kinds: nil)])
        #expect(settings.routing.inbound.isEmpty)
        #expect(settings.statusTopic == "energy/site-7/status" && settings.origin == "site-7/mqtt")
        #expect(settings.client.clientID == "energy-site-7-mqtt" && settings.client.keepalive == 30 && settings.client.persistentSession)
        #expect(settings.telemetryBuffer == 10_000 && settings.inflightLimit == 1000)
    }

    @Test func wrongConfigurationsAreNamedByKey() throws {
        let host = try InMemoryHost(siteID: "a", instanceID: "mqtt")
        let cases: [(String, String)] = [
            (#"{}"#, "broker"),
            (#"{"broker": "tcp://x"}"#, "broker"),
            (#"{"broker": "mqtt://x:70000"}"#, "broker"),
            (#"{"broker": "mqtt://x", "ca_certificate": "ca.pem"}"#, "config.ca_certificate"),
            (#"{"broker": "mqtts://x", "client_certificate": "c.pem"}"#, "config.client_key"),
            (#"{"broker": "mqtt://x", "password": "secret"}"#, "password"),
            (#"{"broker": "mqtt://x", "reconnect_min_s": 60, "reconnect_max_s": 5}"#, "config.reconnect_min_s"),
            (#"{"broker": "mqtt://x", "outbound": [{"filter": "sites/a+/#"}]}"#, "config.outbound[0].filter"),
            (#"{"broker": "mqtt://x", "outbound": [{"prefix": "energy/#"}]}"#, "config.outbound[0].prefix"),
            (##"{"broker": "mqtt://x", "inbound": [{"filter": "#/x", "kinds": ["alarm"]}]}"##, "config.inbound[0].filter"),
            (#"{"broker": "mqtt://x", "inbound": [{"filter": "x/#", "kinds": []}]}"#, "kinds"),
            (#"{"broker": "mqtt://x", "inbound": [{"filter": "x/#", "kinds": ["alarm"], "bus_prefix": "a/+"}]}"#, "config.inbound[0].bus_prefix"),
            (#"{"broker": "mqtt://x", "outbound": [{"name": "same"}], "inbound": [{"name": "same", "filter": "x", "kinds": ["alarm"]}]}"#, "same"),
            (#"{"broker": "mqtt://x", "outbound": [{"qos": 2}]}"#, "qos"),
            (#"{"broker": "mqtt://x", "keepalive_s": 0}"#, "keepalive_s"),
            (#"{"broker": "mqtt://x", "telemetry_buffer": -1}"#, "telemetry_buffer"),
            (#"{"broker": "mqtt://x", "inflight_limit": 1e12}"#, "inflight_limit"),
            (#"{"broker": "mqtts://x", "ca_certificate": "/nonexistent/ca.pem"}"#, "cannot be read"),
        ]
        for (json, expected) in cases {
            let issues = host.validate(MQTTBridgeAdapter.self, configuration: json)
            #expect(issues.contains { $0.description.contains(expected) }, "\(json): \(issues)")
        }
    }
}

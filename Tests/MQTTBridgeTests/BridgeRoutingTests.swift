import AdapterKit
import Testing

@testable import EnergyMQTTBridge

/// The bridge's decisions without a broker: routes out, QoS by kind, loops, and what comes in.
@Suite struct BridgeRoutingTests {
    let routing = BridgeRouting(
        outbound: [
            OutboundRoute(name: "site", filter: "sites/a/#", prefix: "energy/gw-a", qos: nil, retain: false, kinds: nil),
            OutboundRoute(name: "alarms", filter: "sites/a/+/alarms", prefix: "alarms/gw-a", qos: 0, retain: true, kinds: [.alarm]),
        ],
        inbound: [
            InboundRoute(name: "fleet", filter: "energy/+/sites/#", kinds: [.measurement, .alarm, .status], busPrefix: nil, qos: 1),
            InboundRoute(name: "orders", filter: "orders/#", kinds: [.command], busPrefix: "central", qos: 1),
        ],
        lossless: Set(MQTTBridgeConfiguration.defaultLosslessKinds.map(EventKind.init(rawValue:))),
        origin: "gw-a/mqtt"
    )

    func event(_ topic: String, _ kind: EventKind, source: String = "tic", via: String = "") -> Event {
        Event(topic: topic, kind: kind, source: source, time: EventTime(nanosecondsSinceEpoch: 1_764_000_000_000_000_000), sequence: 7, payload: [1, 2], via: via)
    }

    @Test func telemetryGoesOutAtQoS0AndLosslessKindsAtQoS1() {
        let measurement = routing.outgoing(event("sites/a/tic/measurements", .measurement))
        #expect(measurement == [OutgoingMessage(route: "site", topic: "energy/gw-a/sites/a/tic/measurements", qos: 0, retain: false, lossless: false)])
        let alarm = routing.outgoing(event("sites/a/tic/alarms", .alarm))
        #expect(alarm.map(\.route) == ["site", "alarms"])
        #expect(alarm.map(\.qos) == [1, 0])
        #expect(alarm.allSatisfy { $0.lossless })
        #expect(alarm[1].retain && alarm[1].topic == "alarms/gw-a/sites/a/tic/alarms")
        #expect(routing.outgoing(event("sites/b/tic/measurements", .measurement)).isEmpty)
    }

    @Test func aBridgedEventNeverGoesOutAgain() {
        #expect(routing.outgoing(event("sites/a/tic/alarms", .alarm, via: "mqtt")).isEmpty)
    }

    @Test func incomingEventsKeepSourceAndTimeAndAreMarkedBridged() throws {
        let original = event("sites/b/tic/measurements", .measurement)
        let route = try #require(routing.inboundRoute(of: "energy/gw-b/sites/b/tic/measurements"))
        let verdict = routing.incoming(BridgeMessage(event: original, origin: "gw-b/mqtt", epoch: "e", seq: nil), route: route)
        guard case .publish(let published, "fleet") = verdict else { Issue.record("refused: \(verdict)"); return }
        #expect(published.source == "tic" && published.time == original.time && published.topic == original.topic)
        #expect(published.isBridged && published.payload == original.payload)
    }

    @Test func refusals() throws {
        let fleet = try #require(routing.inboundRoute(of: "energy/gw-b/sites/b/x/commands"))
        func verdict(_ event: Event, origin: String = "gw-b/mqtt", route: InboundRoute) -> BridgeRouting.Verdict {
            routing.incoming(BridgeMessage(event: event, origin: origin, epoch: "e", seq: 1), route: route)
        }
        #expect(verdict(event("sites/b/x/commands", .command), route: fleet) == .refuse(.commandNotAllowed, route: "fleet"))
        #expect(verdict(event("sites/b/x/flex", .flexRequest), route: fleet) == .refuse(.kindNotAllowed, route: "fleet"))
        #expect(verdict(event("sites/b/x/alarms", .alarm, source: Event.operatorSource), route: fleet) == .refuse(.reservedSource, route: "fleet"))
        #expect(verdict(event("sites/b/x/alarms", .alarm, source: Event.hostSource), route: fleet) == .refuse(.reservedSource, route: "fleet"))
        #expect(verdict(event("sites/b/x/alarms", .alarm, source: ""), route: fleet) == .refuse(.reservedSource, route: "fleet"))
        #expect(verdict(event("sites/a/x/alarms", .alarm), origin: "gw-a/mqtt", route: fleet) == .refuse(.echo, route: "fleet"))
        #expect(routing.inboundRoute(of: "elsewhere/x") == nil)
    }

    @Test func commandsComeInOnlyThroughAMappingThatNamesThem() throws {
        let orders = try #require(routing.inboundRoute(of: "orders/site-a"))
        let verdict = routing.incoming(BridgeMessage(event: event("sites/a/boiler/commands", .command, source: "ems"), origin: "central/mqtt", epoch: "e", seq: 3), route: orders)
        guard case .publish(let command, "orders") = verdict else { Issue.record("refused: \(verdict)"); return }
        #expect(command.topic == "central/sites/a/boiler/commands" && command.source == "ems")
    }
}

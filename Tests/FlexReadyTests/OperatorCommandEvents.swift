import AdapterKit
import AdapterKitTesting
import EnergyFlexReady

/// Commands to the operator role under test, as the bus delivers them, and its acknowledgements.
enum OperatorCommandEvents {
    /// The command `action` for `reference` (`cmd-<action>`), with a power in kW and a period
    /// (GMT, `YYYY-MM-DDTHH:MM:SS`) when given, on the instance's `commands` topic.
    static func event(_ action: String, _ reference: String, kilowatts: Double? = nil, from start: String? = nil, until end: String? = nil) throws -> Event {
        var command = EnergyCommand()
        command.id = "cmd-\(action)"
        command.action = action
        command.reference = reference
        if let kilowatts {
            command.value = kilowatts
            command.unit = "kW"
        }
        if let start = start.flatMap(FlexTime.init(parsing:)) { command.validFrom = time(start).timestamp }
        if let end = end.flatMap(FlexTime.init(parsing:)) { command.validUntil = time(end).timestamp }
        return try Event(topic: "sites/test-site/under-test/commands", payload: command, time: EventTime.now())
    }

    private static func time(_ time: FlexTime) -> EventTime {
        EventTime(nanosecondsSinceEpoch: time.secondsSinceEpoch * 1_000_000_000)
    }

    /// The acknowledgements published, once there are at least `count` (within 30 s; else none).
    static func acks(_ host: InMemoryHost, count: Int) async -> [EnergyCommandAck] {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let acks = host.published.filter { $0.kind == .commandAck }.compactMap { try? $0.decode(EnergyCommandAck.self) }
            if acks.count >= count { return acks }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return []
    }
}

import AdapterKit
import Foundation
import Synchronization

/// Sends operators' commands to adapters over the bus and waits for their acknowledgement.
///
/// A command to adapter `id` of site `site` is published on `sites/{site}/{id}/commands` with
/// source `admin`, the operator's name in `issued_by`; the adapter answers with a `command_ack`
/// of the same id on `sites/{site}/{id}/acks` (events.md).
final class OperatorCommands: Sendable {
    /// How a command ended.
    enum Outcome: Sendable {
        /// The adapter answered.
        case acknowledged(EnergyCommandAck)
        /// No answer in time (the adapter is stopped, busy, or does not take commands).
        case noAcknowledgement
        /// The bus refused the command: a lossless subscriber is full.
        case refused
    }


    private let bus: EventBus
    private let timeout: Duration
    private let clock: any Clock<Duration>
    private let now: @Sendable () -> EventTime
    private let sequence = Mutex<UInt64>(0)

    /// Commands wait `timeout` on `clock` for their acknowledgement; `now` stamps them.
    init(bus: EventBus, timeout: Duration = .seconds(10), clock: any Clock<Duration>, now: @escaping @Sendable () -> EventTime) {
        self.bus = bus
        self.timeout = timeout
        self.clock = clock
        self.now = now
    }

    /// Publishes `request` as a command from `issuer` to adapter `adapter` of `site`; returns the
    /// command and how it ended.
    func send(_ request: OperatorCommandRequest, site: String, adapter: String, issuer: AdminOperator) async throws -> (EnergyCommand, Outcome) {
        var command = EnergyCommand()
        command.id = "admin-\(UUID().uuidString.lowercased())"
        command.target = adapter
        command.action = request.action
        if let value = request.value { command.value = value }
        command.unit = request.unit ?? ""
        if let from = request.validFrom.flatMap(RFC3339.parse) { command.validFrom = from.timestamp }
        if let until = request.validUntil.flatMap(RFC3339.parse) { command.validUntil = until.timestamp }
        command.reason = request.reason ?? ""
        command.reference = request.givenReference ?? ""
        command.issuedBy = issuer.name
        var event = try Event(topic: "sites/\(site)/\(adapter)/commands", payload: command, time: now())
        event.source = Event.operatorSource

        // Listen for the answer before asking; only this command's answer, so that the answers to
        // other commands (a flood of them) cannot push it out.
        let commandID = command.id
        let acks = SubscriberQueue(name: "admin:\(command.id)", capacity: 64) { answer in
            answer.kind == .commandAck && (try? answer.decode(EnergyCommandAck.self))?.id == commandID
        }
        bus.subscribe(acks, filter: "sites/\(site)/\(adapter)/acks", policy: .dropOldest)
        defer { bus.unsubscribe(acks) }
        let published = sequence.withLock { last in
            event.sequence = last &+ 1
            let result = bus.publish(event)
            if result.outcome != .overloaded { last = event.sequence }
            return result.outcome != .overloaded
        }
        guard published else { return (command, .refused) }
        let timer = Task { [timeout, clock] in
            try? await clock.sleep(for: timeout)
            acks.close()
        }
        defer { timer.cancel() }
        while let batch = await acks.next(maxCount: 16) {
            for answer in batch where answer.kind == .commandAck {
                if let ack = try? answer.decode(EnergyCommandAck.self), ack.id == command.id {
                    return (command, .acknowledged(ack))
                }
            }
        }
        return (command, .noAcknowledgement)
    }
}

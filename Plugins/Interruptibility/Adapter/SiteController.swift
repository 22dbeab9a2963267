import AdapterKit
import Foundation
import Synchronization

/// One HTA site's interruptibility: frequency samples into the trigger, shed commands on a trip,
/// the authorised restore, the audit trail, and what the reports say.
///
/// The trip path is synchronous: the sample that completes the confirmation is handled under a
/// lock, and the shed commands are published before the call returns; the audit write follows,
/// in order, on the audit writer. It never waits on the network, the disk or a subscriber.
final class SiteController: Sendable {
    /// What the reports say at a moment (seed §2.6.2).
    struct Snapshot: Sendable, Equatable {
        var powerMegawatts: Double
        var state: Bool
        var available: Bool
        var frequencyHertz: Double?
    }

    private struct State {
        var trigger: FrequencyTrigger
        /// The audit id of the trip held, once recorded: the reports' `state` is true from then on.
        var heldTripID: Int64?
        var powerWatts: Double?
        var available: Bool
        var outputs: [FrequencyTrigger.Output] = []
    }

    private let configuration: InterruptibilityConfiguration
    private let context: AdapterContext
    private let audit: AuditTrail
    private let writer: AuditWriter
    private let state: Mutex<State>
    /// Each shed target and the topic of its commands.
    private let targets: [(target: String, topic: String)]

    init(configuration: InterruptibilityConfiguration, context: AdapterContext, audit: AuditTrail, writer: AuditWriter) throws {
        self.configuration = configuration
        self.context = context
        self.audit = audit
        self.writer = writer
        let trigger = FrequencyTrigger(points: configuration.points.map(\.name), settings: try configuration.triggerSettings(), now: context.now().sinceEpoch)
        state = Mutex(State(trigger: trigger, available: configuration.available))
        targets = configuration.shed.map { ($0.target, $0.topic ?? "sites/\(context.siteID)/\($0.target)/commands") }
    }

    // MARK: Inputs

    /// Takes a delivered event: a measurement of a point or of the site's power, a status of the
    /// availability topic, or a command to this adapter.
    func handle(_ event: Event) async throws {
        switch event.kind {
        case .measurement:
            let measurement = try event.decode(EnergyMeasurement.self)
            observe(measurement, of: event)
            if let power = configuration.power, event.topic == power.topic, let watts = Self.power(in: measurement, quantity: power.quantity) {
                state.withLock { $0.powerWatts = watts }
            }
        case .status where event.topic == configuration.availabilityTopic:
            let status = try event.decode(EnergyStatus.self)
            state.withLock { $0.available = status.state == "available" }
        case .command where event.topic == context.topic("commands"):
            try await answer(try event.decode(EnergyCommand.self))
        default:
            break
        }
    }

    /// Feeds the frequency values of `measurement` to the trigger, for each point it belongs to.
    private func observe(_ measurement: EnergyMeasurement, of event: Event) {
        let received = configuration.sampleTime == "received"
        let time = !received && measurement.hasMeterTime ? EventTime(measurement.meterTime).sinceEpoch : event.time.sinceEpoch
        for point in configuration.points where point.topic == event.topic && (point.deviceId == nil || point.deviceId == measurement.deviceID) {
            for value in measurement.values where value.quantity == Quantity.frequency.rawValue {
                let sample = FrequencySample(
                    point: point.name, time: time, frequency: Millihertz(hertz: value.value) ?? Millihertz(0),
                    isFlaggedValid: value.quality.isEmpty || value.quality == "valid"
                )
                let outputs = state.withLock { state in
                    state.trigger.observe(sample, now: context.now().sinceEpoch, into: &state.outputs)
                    defer { state.outputs.removeAll(keepingCapacity: true) }
                    return state.outputs
                }
                act(on: outputs)
            }
        }
    }

    /// Notices silent points.
    func tick() {
        let outputs = state.withLock { state in
            state.trigger.tick(now: context.now().sinceEpoch, into: &state.outputs)
            defer { state.outputs.removeAll(keepingCapacity: true) }
            return state.outputs
        }
        act(on: outputs)
    }

    // MARK: Trip

    private func act(on outputs: [FrequencyTrigger.Output]) {
        for output in outputs {
            switch output {
            case .tripped(let trip):
                shed(trip)
            case .ignored(let sample, let reason):
                context.increment(counter: "interruptibility_samples_ignored_total", labels: ["point": sample.point, "reason": reason.rawValue])
            case .gapStarted(let point, let since, _):
                alarm("frequency_gap", severity: "warning", "no valid frequency sample from \(point) since \(EventTime(since))", active: true)
                writer.enqueue { [audit, context] in try await audit.log("gap", detail: "\(point): no valid sample since \(EventTime(since))", at: context.now()) }
            case .gapEnded(let point, let length):
                alarm("frequency_gap", severity: "info", "\(point) sends valid samples again after \(length)", active: false)
                writer.enqueue { [audit, context] in try await audit.log("gap_ended", detail: "\(point): after \(length)", at: context.now()) }
            case .pickup(let sample, let threshold):
                context.logger.info("frequency below the threshold", metadata: ["point": "\(sample.point)", "frequency": "\(sample.frequency)", "threshold": "\(threshold)"])
            case .reset(let sample, _):
                context.logger.info("frequency back at the threshold", metadata: ["point": "\(sample.point)", "frequency": "\(sample.frequency)"])
            case .confirmed(let sample, _):
                context.logger.notice("under-frequency confirmed", metadata: ["point": "\(sample.point)"])
            }
        }
    }

    /// Sheds every target now, then tells and records.
    private func shed(_ trip: FrequencyTrigger.Trip, resumed: Bool = false) {
        let reason = resumed
            ? "interruptibility: trip of \(EventTime(trip.time)) still held (resumed after a restart)"
            : "interruptibility: below \(trip.threshold) for \(configuration.confirmationS) s at \(trip.points.joined(separator: ", "))"
        var sent: [String] = []
        for (target, topic) in targets {
            var command = EnergyCommand()
            command.id = "\(context.instanceID)-shed-\(EventTime(trip.time).nanosecondsSinceEpoch)-\(target)"
            command.target = target
            command.action = "shed"
            command.reason = reason
            command.validFrom = EventTime(trip.time).timestamp
            publishCommand(command, topic: topic)
            sent.append(command.id)
        }
        context.increment(counter: "interruptibility_trips_total")
        context.record(gauge: "interruptibility_tripped", 1)
        publishStatus("tripped", detail: reason)
        alarm("interruptibility_trip", severity: "critical", reason, active: true)
        context.logger.critical("site tripped: load shed", metadata: ["threshold": "\(trip.threshold)", "points": "\(trip.points)", "resumed": "\(resumed)"])
        guard !resumed else { return }
        let queued = writer.enqueue { [self, sent] in
            let id = try await audit.record(trip)
            try await audit.log("shed_sent", tripID: id, detail: sent.joined(separator: ", "), at: context.now())
            state.withLock { $0.heldTripID = id }
        }
        if !queued {
            context.logger.critical("trip not written to the audit trail: the adapter is stopping", metadata: ["threshold": "\(trip.threshold)"])
        }
    }

    /// Publishes a command without waiting; a full lossless queue is retried in the background.
    private func publishCommand(_ command: EnergyCommand, topic: String) {
        do {
            let event = try Event(topic: topic, payload: command, time: context.now())
            do {
                try context.publishNow(event)
            } catch let error as AdapterError where error.code == .overloaded {
                Task { [context] in try await context.publish(event) }
            }
        } catch {
            context.logger.error("command not sent", metadata: ["target": "\(command.target)", "action": "\(command.action)", "error": "\(error)"])
        }
    }

    /// After a restart: holds the trip the audit trail says is not restored, and sheds again.
    func resumeHeldTrip() async throws {
        guard let (id, trip) = try audit.heldTrip() else {
            publishStatus("armed", detail: "no trip held")
            context.record(gauge: "interruptibility_tripped", 0)
            return
        }
        state.withLock { state in
            state.trigger.resume(trip)
            state.heldTripID = id
        }
        shed(trip, resumed: true)
        try await writer.perform { [audit, context] in try await audit.log("resumed", tripID: id, detail: "trip still held after a restart; shed again", at: context.now()) }
    }

    // MARK: Restore

    /// Answers a command to this adapter: `restore`, once authorised, ends the held trip.
    private func answer(_ command: EnergyCommand) async throws {
        var ack = EnergyCommandAck()
        ack.id = command.id
        (ack.outcome, ack.detail) = await restore(command)
        try await context.publish(ack, stream: "acks")
    }

    private func restore(_ command: EnergyCommand) async -> (outcome: String, detail: String) {
        guard command.action == "restore" else { return ("rejected", "unknown action \"\(command.action)\": this adapter takes restore") }
        guard !command.issuedBy.isEmpty else { return ("rejected", "a restore needs an authenticated operator (energy-host ctl restore)") }
        guard !command.reference.isEmpty else { return ("rejected", "a restore needs RTE's authorisation reference") }
        let held = state.withLock { state in (state.trigger.trip, state.heldTripID) }
        guard held.0 != nil else { return ("rejected", "no trip is held") }
        guard let tripID = held.1 else { return ("rejected", "the trip is still being recorded; try again") }
        let now = context.now()
        do {
            // Recorded before anything is restored.
            try await writer.perform { [audit] in
                try await audit.recordRestore(of: tripID, by: command.issuedBy, reference: command.reference, reason: command.reason, commandID: command.id, at: now)
            }
        } catch {
            return ("failed", "the audit trail could not record the restore: \(error)")
        }
        state.withLock { state in
            _ = state.trigger.restore()
            state.heldTripID = nil
        }
        var sent: [String] = []
        for (target, topic) in targets {
            var restore = EnergyCommand()
            restore.id = "\(command.id)-\(target)"
            restore.target = target
            restore.action = "restore"
            restore.reason = "authorised by RTE (\(command.reference)), restored by \(command.issuedBy)"
            restore.issuedBy = command.issuedBy
            restore.reference = command.reference
            publishCommand(restore, topic: topic)
            sent.append(restore.id)
        }
        context.record(gauge: "interruptibility_tripped", 0)
        publishStatus("armed", detail: "restored by \(command.issuedBy), reference \(command.reference)")
        alarm("interruptibility_trip", severity: "info", "load restored: authorised by RTE, reference \(command.reference)", active: false)
        context.logger.notice("load restored", metadata: ["operator": "\(command.issuedBy)", "reference": "\(command.reference)"])
        writer.enqueue { [audit, context, sent] in try await audit.log("restore_sent", tripID: tripID, detail: sent.joined(separator: ", "), at: context.now()) }
        return ("executed", "load restored (trip \(tripID)); restore sent to \(targets.map(\.target).joined(separator: ", "))")
    }

    // MARK: Reports

    /// What a report sent now says.
    var snapshot: Snapshot {
        state.withLock { state in
            let frequencies = state.trigger.latestSamples.map(\.frequency.value).sorted()
            let median = frequencies.isEmpty ? nil : Double(frequencies[frequencies.count / 2]) / 1000
            return Snapshot(
                powerMegawatts: max(0, state.powerWatts ?? 0) / 1_000_000, state: state.heldTripID != nil,
                available: state.available, frequencyHertz: median
            )
        }
    }

    /// Appends a line to the audit trail's log, after the writes already queued.
    func record(_ kind: String, detail: String) {
        writer.enqueue { [audit, context] in try await audit.log(kind, detail: detail, at: context.now()) }
    }

    // MARK: Helpers

    private func publishStatus(_ name: String, detail: String) {
        var status = EnergyStatus()
        status.available = true
        status.state = name
        status.detail = detail
        publish(status, stream: "status")
    }

    private func alarm(_ code: String, severity: String, _ message: String, active: Bool) {
        var alarm = EnergyAlarm()
        alarm.code = code
        alarm.severity = severity
        alarm.message = message
        alarm.active = active
        publish(alarm, stream: "alarms")
    }

    private func publish<Payload: EventPayload>(_ payload: Payload, stream: String) {
        do {
            try context.publishNow(Event(topic: context.topic(stream), payload: payload, time: context.now()))
        } catch {
            context.logger.warning("event not published", metadata: ["stream": "\(stream)", "error": "\(error)"])
        }
    }

    /// The site's power in W from a measurement: the value without a phase, else the phases' sum.
    private static func power(in measurement: EnergyMeasurement, quantity: String) -> Double? {
        let values = measurement.values.filter { $0.quantity == quantity }
        if let total = values.first(where: { $0.phase == 0 }) { return total.value }
        return values.isEmpty ? nil : values.reduce(0) { $0 + $1.value }
    }
}

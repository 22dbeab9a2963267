import AdapterKit
import AdapterKitStorage
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
    private let writer: SerialWriter
    /// The raised alarms (taken under the state lock, never the other way round).
    private let alarms = Mutex(AlarmSet())
    private let state: Mutex<State>
    private let commands: CommandSender
    /// The trip the audit trail held at start (a restart while tripped), to shed again in `start()`.
    private let resumedTrip: FrequencyTrigger.Trip?
    /// Each shed target and the topic of its commands.
    private let targets: [(target: String, topic: String)]

    init(configuration: InterruptibilityConfiguration, context: AdapterContext, audit: AuditTrail, writer: SerialWriter) throws {
        self.configuration = configuration
        self.context = context
        self.audit = audit
        self.writer = writer
        var trigger = FrequencyTrigger(points: configuration.points.map(\.name), settings: try configuration.triggerSettings(), now: context.now().sinceEpoch)
        // A trip without a restore is held again before anything is delivered.
        let held = try audit.heldTrip()
        if let held { trigger.resume(held.trip) }
        resumedTrip = held?.trip
        state = Mutex(State(trigger: trigger, heldTripID: held?.id, available: configuration.available))
        commands = CommandSender(context: context)
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
            if let power = configuration.power, event.topic == power.topic, let watts = Self.power(in: measurement, quantity: power.quantity.rawValue) {
                state.withLock { $0.powerWatts = watts }
            }
        case .status where event.topic == configuration.availabilityTopic:
            let status = try event.decode(EnergyStatus.self)
            state.withLock { $0.available = status.state == "available" }
        case .command where event.topic == context.topic("commands"):
            try await answer(try event.decode(EnergyCommand.self), from: event.source)
        default:
            break
        }
    }

    /// Feeds the frequency values of `measurement` to the trigger, for each point it belongs to.
    private func observe(_ measurement: EnergyMeasurement, of event: Event) {
        let received = configuration.sampleTime == .received
        let time = !received && measurement.hasMeterTime ? EventTime(measurement.meterTime).sinceEpoch : event.time.sinceEpoch
        for point in configuration.points where point.topic == event.topic && (point.deviceId == nil || point.deviceId == measurement.deviceID) {
            for value in measurement.values where value.quantity == Quantity.frequency.rawValue {
                let sample = FrequencySample(
                    point: point.name, time: time, frequency: Millihertz(hertz: value.value) ?? Millihertz(0),
                    isFlaggedValid: value.quality.isEmpty || value.quality == "valid"
                )
                state.withLock { state in
                    state.trigger.observe(sample, now: context.now().sinceEpoch, into: &state.outputs)
                    act(on: state.outputs)  // under the lock: alarms and audit lines keep the trigger's order
                    state.outputs.removeAll(keepingCapacity: true)
                }
            }
        }
    }

    /// Notices silent points.
    func tick() {
        state.withLock { state in
            state.trigger.tick(now: context.now().sinceEpoch, into: &state.outputs)
            act(on: state.outputs)
            state.outputs.removeAll(keepingCapacity: true)
        }
    }

    // MARK: Trip

    /// Publishes and queues what the trigger's outputs call for. Runs under the state's lock: it
    /// must not take it (the queued audit writes take it later, on the writer).
    private func act(on outputs: [FrequencyTrigger.Output]) {
        for output in outputs {
            switch output {
            case .tripped(let trip):
                shed(trip)
            case .ignored(let sample, let reason):
                context.increment(counter: "interruptibility_samples_ignored_total", labels: ["point": sample.point, "reason": reason.rawValue])
            case .gapStarted(let point, let since, _):
                raise("frequency_gap", for: point, .warning, "no valid frequency sample from \(point) since \(EventTime(sinceEpoch: since))")
                record("gap", detail: "\(point): no valid sample since \(EventTime(sinceEpoch: since))")
            case .gapEnded(let point, let length):
                clear("frequency_gap", for: point, "\(point) sends valid samples again after \(length)")
                record("gap_ended", detail: "\(point): after \(length)")
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
            ? "interruptibility: trip of \(EventTime(sinceEpoch: trip.time)) still held (resumed after a restart)"
            : "interruptibility: below \(trip.threshold) for \(configuration.confirmationS) at \(trip.points.joined(separator: ", "))"
        var shed = EnergyCommand()
        shed.action = "shed"
        shed.reason = reason
        shed.validFrom = EventTime(sinceEpoch: trip.time).timestamp
        let sent = sendToTargets(shed, idPrefix: "\(context.instanceID)-shed-\(EventTime(sinceEpoch: trip.time).nanosecondsSinceEpoch)")
        context.increment(counter: "interruptibility_trips_total")
        context.record(gauge: "interruptibility_tripped", 1)
        publishStatus(.tripped, detail: reason)
        raise("interruptibility_trip", .critical, reason)
        context.logger.critical("site tripped: load shed", metadata: ["threshold": "\(trip.threshold)", "points": "\(trip.points)", "resumed": "\(resumed)"])
        guard !resumed else { return }
        let queued = writer.enqueue { [self, sent] in
            // Until it is written: the reports say state true and the restore is possible only then.
            var pause = Duration.milliseconds(100)
            while true {
                do {
                    let id = try await audit.record(trip)
                    state.withLock { $0.heldTripID = id }
                    clear("audit_trail", "the trip is written to the audit trail")
                    try await audit.log("shed_sent", tripID: id, detail: sent.joined(separator: ", "), at: context.now())
                    return
                } catch {
                    context.logger.critical("trip not written to the audit trail; retrying", metadata: ["error": "\(error)"])
                    raise("audit_trail", .critical, "the trip cannot be written to the audit trail: \(error)")
                    try await context.clock.sleep(for: pause)
                    pause = min(pause * 2, .seconds(5))
                }
            }
        }
        if !queued {
            context.logger.critical("trip not written to the audit trail: the adapter is stopping", metadata: ["threshold": "\(trip.threshold)"])
        }
    }

    /// Sends `command` to every target, with id `<idPrefix>-<target>`, in order and without
    /// waiting (``CommandSender``); returns the ids.
    private func sendToTargets(_ command: EnergyCommand, idPrefix: String) -> [String] {
        targets.map { target, topic in
            var addressed = command
            addressed.id = "\(idPrefix)-\(target)"
            addressed.target = target
            do {
                commands.send(try Event(topic: topic, payload: addressed, time: context.now()))
            } catch {
                context.logger.critical("command not encoded", metadata: ["target": "\(target)", "action": "\(command.action)", "error": "\(error)"])
            }
            return addressed.id
        }
    }

    /// Announces the state at start: after a restart while tripped, the held trip is shed again.
    func start() {
        guard let trip = resumedTrip else {
            publishStatus(.armed, detail: "no trip held")
            context.record(gauge: "interruptibility_tripped", 0)
            return
        }
        shed(trip, resumed: true)
        let id = state.withLock { $0.heldTripID }
        record("resumed", tripID: id, detail: "trip still held after a restart; shed again")
    }

    // MARK: Restore

    /// Answers a command to this adapter: `restore`, once authorised, ends the held trip.
    private func answer(_ command: EnergyCommand, from source: String) async throws {
        let (outcome, detail) = source != Event.operatorSource
            ? (.rejected, "commands are taken from operators only (energy-host ctl, the admin API), not from \(source)")
            : await restore(command)
        try await context.publish(EnergyCommandAck(id: command.id, outcome: outcome, detail: detail), stream: "acks")
    }

    private func restore(_ command: EnergyCommand) async -> (outcome: AckOutcome, detail: String) {
        guard command.action == "restore" else { return (.rejected, "unknown action \"\(command.action)\": this adapter takes restore") }
        guard !command.issuedBy.isEmpty else { return (.rejected, "a restore needs an authenticated operator (energy-host ctl restore)") }
        guard !command.reference.isEmpty else { return (.rejected, "a restore needs RTE's authorisation reference") }
        guard state.withLock({ $0.trigger.trip }) != nil else { return (.rejected, "no trip is held") }
        // The trip's audit write may still be queued: wait for the writes before this one.
        try? await writer.perform {}
        guard let tripID = state.withLock({ $0.heldTripID }) else { return (.failed, "the trip is not written to the audit trail yet (see its alarm)") }
        let now = context.now()
        do {
            // Recorded before anything is restored.
            try await writer.perform { [audit] in
                try await audit.recordRestore(of: tripID, by: command.issuedBy, reference: command.reference, reason: command.reason, commandID: command.id, at: now)
            }
        } catch {
            return (.failed, "the audit trail could not record the restore: \(error)")
        }
        state.withLock { state in
            _ = state.trigger.restore()
            state.heldTripID = nil
        }
        var restore = EnergyCommand()
        restore.action = "restore"
        restore.reason = "authorised by RTE (\(command.reference)), restored by \(command.issuedBy)"
        restore.issuedBy = command.issuedBy
        restore.reference = command.reference
        let sent = sendToTargets(restore, idPrefix: command.id)
        context.record(gauge: "interruptibility_tripped", 0)
        publishStatus(.armed, detail: "restored by \(command.issuedBy), reference \(command.reference)")
        clear("interruptibility_trip", "load restored: authorised by RTE, reference \(command.reference)")
        context.logger.notice("load restored", metadata: ["operator": "\(command.issuedBy)", "reference": "\(command.reference)"])
        writer.enqueue { [audit, context, sent] in try await audit.log("restore_sent", tripID: tripID, detail: sent.joined(separator: ", "), at: context.now()) }
        return (.executed, "load restored (trip \(tripID)); restore sent to \(targets.map(\.target).joined(separator: ", "))")
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
    func record(_ kind: String, tripID: Int64? = nil, detail: String) {
        writer.enqueue { [audit, context] in try await audit.log(kind, tripID: tripID, detail: detail, at: context.now()) }
    }

    // MARK: Helpers

    private func publishStatus(_ state: StatusState, detail: String) {
        publish(EnergyStatus(available: true, state: state, detail: detail), stream: "status")
    }

    /// Raises `code` (for `subject`) unless it is raised already.
    private func raise(_ code: String, for subject: String? = nil, _ severity: AlarmSeverity, _ message: String) {
        if let alarm = alarms.withLock({ $0.raise(code, for: subject, severity: severity, message) }) { context.publishAlarm(alarm) }
    }

    /// Clears `code` (for `subject`) if it is raised.
    private func clear(_ code: String, for subject: String? = nil, _ message: String) {
        if let alarm = alarms.withLock({ $0.clear(code, for: subject, message) }) { context.publishAlarm(alarm) }
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

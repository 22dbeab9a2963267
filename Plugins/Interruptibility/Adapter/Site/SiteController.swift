import AdapterKit
import AdapterKitStorage
import Foundation
import Synchronization

/// One HTA site's interruptibility at the edges: frequency samples and operators' commands into
/// the ``SiteMachine``, and its actions out to the bus, the audit trail and the timers.
///
/// Actions are carried out under the machine's lock, in order, and none of them waits: commands
/// and alarms are published without waiting, log lines are queued on the audit writer, and what a
/// write or a timer brings back is a new input.
///
/// The trip's and the restores' records and the machine's timers run on dispatch queues of their
/// own, not on the cooperative thread pool: a pool kept busy by other adapters, a flood or the
/// tests beside them cannot delay the shed's 50 ms wait or a restore's deadline.
final class SiteController: Sendable {
    /// What the reports say at a moment (seed §2.6.2).
    struct Snapshot: Sendable, Equatable {
        var powerMegawatts: Double
        var state: Bool
        var available: Bool
        var frequencyHertz: Double?
    }

    /// What the site's other inputs say (for the reports).
    private struct Readings {
        var powerWatts: Double?
        var available: Bool
    }

    let configuration: InterruptibilityConfiguration
    let context: AdapterContext
    private let audit: AuditTrail
    private let writer: SerialWriter
    private let machine: Mutex<SiteMachine>
    private let readings: Mutex<Readings>
    /// The raised alarms (taken under the machine's lock, never the other way round).
    private let alarms = Mutex(AlarmSet())
    private let commands: CommandSender
    /// Each shed target and the topic of its commands.
    private let targets: [(target: String, topic: String)]
    /// Where the trip's and the restores' records are written, in order, blocking its own thread.
    private let records = DispatchQueue(label: "interruptibility.records")
    /// Where the machine's timers fire.
    private let timers = DispatchQueue(label: "interruptibility.timers")
    /// Once stopped, timers and records bring nothing back.
    private let stopped = Atomic<Bool>(false)
    /// Restores answered `failed` whose write must not start any more.
    private let abandonedRestores = Mutex<Set<String>>([])

    init(configuration: InterruptibilityConfiguration, context: AdapterContext, audit: AuditTrail, writer: SerialWriter) throws {
        self.configuration = configuration
        self.context = context
        self.audit = audit
        self.writer = writer
        let trigger = FrequencyTrigger(points: configuration.points.map(\.name), settings: try configuration.triggerSettings(), now: context.now().sinceEpoch)
        // A trip without a restore is held again before anything is delivered.
        machine = Mutex(SiteMachine(trigger: trigger, resumed: try audit.heldTrip()))
        readings = Mutex(Readings(available: configuration.available))
        commands = CommandSender(context: context)
        targets = configuration.shed.map { ($0.target, $0.topic ?? "sites/\(context.siteID)/\($0.target)/commands") }
    }

    // MARK: Inputs

    /// Takes a delivered event: a measurement of a point or of the site's power, a status of the
    /// availability topic, or a command to this adapter. Never waits.
    func handle(_ event: Event) throws {
        switch event.kind {
        case .measurement:
            let measurement = try event.decode(EnergyMeasurement.self)
            observe(measurement, of: event)
            if let power = configuration.power, event.topic == power.topic, let watts = Self.power(in: measurement, quantity: power.quantity.rawValue) {
                readings.withLock { $0.powerWatts = watts }
            }
        case .status where event.topic == configuration.availabilityTopic:
            let status = try event.decode(EnergyStatus.self)
            readings.withLock { $0.available = status.state == "available" }
        case .command where event.topic == context.topic("commands"):
            let command = try event.decode(EnergyCommand.self)
            input { $0.commanded(command, from: event.source) }
        default:
            break
        }
    }

    /// Feeds the frequency values of `measurement` to the machine, for each point it belongs to.
    private func observe(_ measurement: EnergyMeasurement, of event: Event) {
        let received = configuration.sampleTime == .received
        let time = !received && measurement.hasMeterTime ? EventTime(measurement.meterTime).sinceEpoch : event.time.sinceEpoch
        for point in configuration.points where point.topic == event.topic && (point.deviceId == nil || point.deviceId == measurement.deviceID) {
            for value in measurement.values where value.quantity == Quantity.frequency.rawValue {
                let sample = FrequencySample(
                    point: point.name, time: time, frequency: Millihertz(hertz: value.value) ?? Millihertz(0),
                    isFlaggedValid: value.quality.isEmpty || value.quality == "valid"
                )
                input { [context] in $0.observe(sample, now: context.now().sinceEpoch) }
            }
        }
    }

    /// Notices silent points.
    func tick() {
        input { [context] in $0.tick(now: context.now().sinceEpoch) }
    }

    /// Announces the state at start: after a restart while tripped, the held trip is shed again.
    /// Samples may be delivered before the adapter's run reaches this: a trip they made is
    /// announced already, and must not be followed by "armed".
    func start() {
        let (resumed, tripped) = machine.withLock { machine in
            let actions = machine.start()
            for action in actions { carryOut(action) }
            return (!actions.isEmpty, machine.isTripped)
        }
        guard !resumed, !tripped else { return }
        publishStatus(.armed, detail: "no trip held")
        context.record(gauge: "interruptibility_tripped", 0)
    }

    /// Ends the timers and the records' answers (the adapter is stopping).
    func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
    }

    /// Runs `transition` on the machine and carries out its actions, under the lock.
    private func input(_ transition: (inout SiteMachine) -> [SiteMachine.Action]) {
        guard !stopped.load(ordering: .sequentiallyConsistent) else { return }
        machine.withLock { machine in
            for action in transition(&machine) { carryOut(action) }
        }
    }

    // MARK: Actions

    private func carryOut(_ action: SiteMachine.Action) {
        switch action {
        case .noticed(let output):
            notice(output)
        case .recordTrip(let trip):
            records.async { [self] in
                do {
                    let id = try audit.recordNow(trip)
                    input { $0.tripRecorded(id: id) }
                } catch {
                    input { $0.tripRecordFailed("\(error)") }
                }
            }
        case .shed(let trip, let resumed):
            shed(trip, resumed: resumed)
        case .logShedSent(let tripID, let trip):
            record("shed_sent", tripID: tripID, detail: shedIDs(trip).joined(separator: ", "))
        case .log(let kind, let tripID, let detail):
            record(kind, tripID: tripID, detail: detail)
        case .auditAlarm(let raised, let message):
            if raised {
                context.logger.critical("trip not written to the audit trail; retrying", metadata: ["reason": "\(message)"])
                raise("audit_trail", .critical, message)
            } else {
                clear("audit_trail", message)
            }
        case .recordRestore(let tripID, let request):
            recordRestore(of: tripID, request)
        case .abandonRestoreRecord(let commandID):
            abandonedRestores.withLock { _ = $0.insert(commandID) }
        case .restore(let tripID, let request):
            restore(tripID: tripID, request)
        case .answer(let commandID, let outcome, let detail):
            answer(EnergyCommandAck(id: commandID, outcome: outcome, detail: detail))
        case .arm(let timer, let delay):
            let (seconds, attoseconds) = delay.components
            timers.asyncAfter(deadline: .now() + .nanoseconds(Int(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))) { [self] in
                input { $0.fired(timer) }
            }
        }
    }

    /// Sheds every target now, then tells.
    private func shed(_ trip: FrequencyTrigger.Trip, resumed: Bool) {
        let reason = resumed
            ? "interruptibility: trip of \(EventTime(sinceEpoch: trip.time)) still held (resumed after a restart)"
            : "interruptibility: below \(trip.threshold) for \(configuration.confirmationS) at \(trip.points.joined(separator: ", "))"
        var shed = EnergyCommand()
        shed.action = "shed"
        shed.reason = reason
        shed.validFrom = EventTime(sinceEpoch: trip.time).timestamp
        sendToTargets(shed, idPrefix: shedPrefix(trip))
        context.increment(counter: "interruptibility_trips_total")
        context.record(gauge: "interruptibility_tripped", 1)
        publishStatus(.tripped, detail: reason)
        raise("interruptibility_trip", .critical, reason)
        context.logger.critical("site tripped: load shed", metadata: ["threshold": "\(trip.threshold)", "points": "\(trip.points)", "resumed": "\(resumed)"])
    }

    /// Writes the restore, unless its answer was given (`failed`) before the write could start.
    private func recordRestore(of tripID: Int64, _ request: SiteMachine.RestoreRequest) {
        let time = context.now()
        records.async { [self] in
            do {
                guard abandonedRestores.withLock({ $0.remove(request.commandID) == nil }) else {
                    throw AdapterError(.failed, "abandoned: its deadline passed before the audit trail could take it")
                }
                try audit.recordRestoreNow(
                    of: tripID, by: request.issuedBy, reference: request.reference, reason: request.reason, commandID: request.commandID, at: time
                )
                input { $0.restoreRecorded(commandID: request.commandID) }
            } catch {
                input { $0.restoreRecordFailed(commandID: request.commandID, "\(error)") }
            }
        }
    }

    /// Sends the restore commands, then tells.
    private func restore(tripID: Int64, _ request: SiteMachine.RestoreRequest) {
        var restore = EnergyCommand()
        restore.action = "restore"
        restore.reason = "authorised by RTE (\(request.reference)), restored by \(request.issuedBy)"
        restore.issuedBy = request.issuedBy
        restore.reference = request.reference
        let sent = sendToTargets(restore, idPrefix: request.commandID)
        context.record(gauge: "interruptibility_tripped", 0)
        publishStatus(.armed, detail: "restored by \(request.issuedBy), reference \(request.reference)")
        clear("interruptibility_trip", "load restored: authorised by RTE, reference \(request.reference)")
        context.logger.notice("load restored", metadata: ["operator": "\(request.issuedBy)", "reference": "\(request.reference)"])
        record("restore_sent", tripID: tripID, detail: sent.joined(separator: ", "))
    }

    /// Sends `command` to every target, with id `<idPrefix>-<target>`, in order and without
    /// waiting (``CommandSender``); returns the ids.
    @discardableResult
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

    private func shedPrefix(_ trip: FrequencyTrigger.Trip) -> String {
        "\(context.instanceID)-shed-\(EventTime(sinceEpoch: trip.time).nanosecondsSinceEpoch)"
    }

    private func shedIDs(_ trip: FrequencyTrigger.Trip) -> [String] {
        targets.map { "\(shedPrefix(trip))-\($0.target)" }
    }

    /// Publishes an answer without waiting; a full queue gets it in the background.
    private func answer(_ ack: EnergyCommandAck) {
        do {
            try context.publishNow(Event(topic: context.topic("acks"), payload: ack, time: context.now()))
        } catch {
            Task { [context] in
                do {
                    try await context.publish(ack, stream: "acks")
                } catch {
                    context.logger.error("answer not published", metadata: ["command": "\(ack.id)", "error": "\(error)"])
                }
            }
        }
    }

    // MARK: Reports

    /// What a report sent now says.
    var snapshot: Snapshot {
        let (tripped, frequencies) = machine.withLock { ($0.isTripped, $0.trigger.latestSamples.map(\.frequency.value).sorted()) }
        let median = frequencies.isEmpty ? nil : Double(frequencies[frequencies.count / 2]) / 1000
        return readings.withLock { readings in
            Snapshot(powerMegawatts: max(0, readings.powerWatts ?? 0) / 1_000_000, state: tripped, available: readings.available, frequencyHertz: median)
        }
    }

    /// Appends a line to the audit trail's log, after the writes already queued, at the time of
    /// the call (when the adapter decided, not when the disk took it).
    func record(_ kind: String, tripID: Int64? = nil, detail: String) {
        let time = context.now()
        write(kind) { [audit] in try await audit.log(kind, tripID: tripID, detail: detail, at: time) }
    }

    // MARK: Helpers

    /// Queues `body` on the audit writer; says so when the writer is closed (the adapter stopping).
    private func write(_ what: String, _ body: @escaping SerialWriter.Write) {
        guard !writer.enqueue(body) else { return }
        context.logger.critical("not written to the audit trail: the adapter is stopping", metadata: ["write": "\(what)"])
    }

    private func publishStatus(_ state: StatusState, detail: String) {
        publish(EnergyStatus(available: true, state: state, detail: detail), stream: "status")
    }

    /// Raises `code` (for `subject`) unless it is raised already.
    func raise(_ code: String, for subject: String? = nil, _ severity: AlarmSeverity, _ message: String) {
        if let alarm = alarms.withLock({ $0.raise(code, for: subject, severity: severity, message) }) { context.publishAlarm(alarm) }
    }

    /// Clears `code` (for `subject`) if it is raised.
    func clear(_ code: String, for subject: String? = nil, _ message: String) {
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

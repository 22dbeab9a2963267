import AdapterKit

/// The site's trip and restore as one state machine (seed §1.1, §1.3): the frequency trigger, the
/// trip's record in the audit trail, the shed, and the authorised restore.
///
/// No I/O and no waiting: every input returns the actions to carry out, in order, and the waits
/// are timers the caller arms (``Action/arm(_:after:)``) and fires back (``fired(_:)``).
///
/// - A trip is written to the audit trail **before** the shed leaves, so that a shed that left the
///   host is a trip held after any restart; the shed waits for that write at most
///   ``Settings/shedWait`` (50 ms), and leaves at once when the write fails: the disk never delays
///   the shed beyond that.
/// - A failed write of the trip is retried (100 ms, doubling to 5 s) until it succeeds.
/// - A restore is written before anything is restored, and answered within
///   ``Settings/restoreDeadline`` (3 s) whatever the audit trail is doing: `failed` when its write
///   has not completed by then. A restore whose write completes after that answer is carried out
///   anyway (the audit trail, which a restart trusts, says the site was restored), and logged.
struct SiteMachine: Sendable {
    /// The waits of the machine.
    struct Settings: Sendable {
        /// The longest the shed waits for the trip's record.
        var shedWait = Duration.milliseconds(50)
        /// The longest a restore waits for the audit trail before it is answered `failed`.
        var restoreDeadline = Duration.seconds(3)
        /// The first pause before writing the trip again after a failure; it doubles up to ``longestRetryPause``.
        var firstRetryPause = Duration.milliseconds(100)
        /// The longest pause between two attempts to write the trip.
        var longestRetryPause = Duration.seconds(5)
    }

    /// A restore an operator asked for.
    struct RestoreRequest: Sendable, Hashable {
        var commandID: String
        var issuedBy: String
        var reference: String
        var reason: String
    }

    /// What the machine waits for.
    enum Timer: Sendable, Hashable {
        /// The end of the shed's wait for the trip's record.
        case shedWait
        /// The next attempt to write the trip.
        case tripRecordRetry
        /// The deadline of a restore's answer.
        case restoreDeadline(commandID: String)
    }

    /// What to carry out.
    enum Action: Sendable, Hashable {
        /// Something the trigger noticed (pickups, gaps, refused samples, clock offsets…).
        case noticed(FrequencyTrigger.Output)
        /// Write the trip to the audit trail; answer ``tripRecorded(id:)`` or ``tripRecordFailed(_:)``.
        case recordTrip(FrequencyTrigger.Trip)
        /// Send the shed commands, and tell (status, alarm, metrics).
        case shed(FrequencyTrigger.Trip, resumed: Bool)
        /// Append the shed commands' ids to the audit trail's log of trip `tripID`.
        case logShedSent(tripID: Int64, FrequencyTrigger.Trip)
        /// Append a line to the audit trail's log.
        case log(kind: String, tripID: Int64?, detail: String)
        /// The trip cannot be written (raised once) or is written again (cleared).
        case auditAlarm(raised: Bool, message: String)
        /// Write the restore to the audit trail; answer ``restoreRecorded(commandID:)`` or
        /// ``restoreRecordFailed(commandID:_:)``.
        case recordRestore(tripID: Int64, RestoreRequest)
        /// The restore's write must not start any more (its answer was `failed`).
        case abandonRestoreRecord(commandID: String)
        /// Send the restore commands, and tell (status, alarm cleared, metrics, log).
        case restore(tripID: Int64, RestoreRequest)
        /// Answer a command.
        case answer(commandID: String, AckOutcome, String)
        /// Fire `timer` back after `delay`.
        case arm(Timer, after: Duration)
    }

    /// The trip held and what is under way about it.
    private struct Held: Sendable {
        var trip: FrequencyTrigger.Trip
        /// Its id in the audit trail, once written.
        var recordID: Int64?
        /// Whether the audit trail held it at start (a restart while tripped).
        var isResumed = false
        var shedSent = false
        /// Whether a write of the trip is under way (else, while unwritten, a retry is armed).
        var writing = false
        var retryPause: Duration
        /// The restore asked for; `answered` once its deadline answered `failed` while its write ran.
        var restore: (request: RestoreRequest, recording: Bool, answered: Bool)?
    }

    private let settings: Settings
    private(set) var trigger: FrequencyTrigger
    private var held: Held?

    /// A machine on `trigger`; `resumed` is the trip the audit trail still holds (a restart while tripped).
    init(trigger: FrequencyTrigger, resumed: (id: Int64, trip: FrequencyTrigger.Trip)? = nil, settings: Settings = Settings()) {
        self.settings = settings
        self.trigger = trigger
        if let resumed {
            self.trigger.resume(resumed.trip)
            held = Held(trip: resumed.trip, recordID: resumed.id, isResumed: true, retryPause: settings.firstRetryPause)
        }
    }

    /// Whether a trip is held: the reports' `state`, from the trip until the restore.
    var isTripped: Bool { held != nil }

    // MARK: Inputs

    /// At start: a trip held across a restart is shed again.
    mutating func start() -> [Action] {
        guard var held, held.isResumed, !held.shedSent else { return [] }
        held.shedSent = true
        self.held = held
        return [.shed(held.trip, resumed: true), .log(kind: "resumed", tripID: held.recordID, detail: "trip still held after a restart; shed again")]
    }

    /// A frequency sample arrived at `now`.
    mutating func observe(_ sample: FrequencySample, now: Duration) -> [Action] {
        var outputs: [FrequencyTrigger.Output] = []
        trigger.observe(sample, now: now, into: &outputs)
        return take(outputs)
    }

    /// Time passed (points gone silent).
    mutating func tick(now: Duration) -> [Action] {
        var outputs: [FrequencyTrigger.Output] = []
        trigger.tick(now: now, into: &outputs)
        return take(outputs)
    }

    /// The trip is written, as `id`.
    mutating func tripRecorded(id: Int64) -> [Action] {
        guard var held, held.recordID == nil else { return [] }
        held.recordID = id
        held.writing = false
        var actions: [Action] = [.auditAlarm(raised: false, message: "the trip is written to the audit trail")]
        if !held.shedSent {
            held.shedSent = true
            actions.append(.shed(held.trip, resumed: false))
        }
        actions.append(.logShedSent(tripID: id, held.trip))
        if var restore = held.restore, !restore.recording {
            restore.recording = true
            held.restore = restore
            actions.append(.recordRestore(tripID: id, restore.request))
        }
        self.held = held
        return actions
    }

    /// The trip could not be written: shed now if not done, and try again after a pause.
    mutating func tripRecordFailed(_ error: String) -> [Action] {
        guard var held, held.recordID == nil, held.writing else { return [] }
        held.writing = false
        var actions: [Action] = [.auditAlarm(raised: true, message: "the trip cannot be written to the audit trail: \(error)")]
        if !held.shedSent {
            held.shedSent = true
            actions.append(.shed(held.trip, resumed: false))
        }
        actions.append(.arm(.tripRecordRetry, after: held.retryPause))
        held.retryPause = min(held.retryPause * 2, settings.longestRetryPause)
        self.held = held
        return actions
    }

    /// An operator's command arrived from `source`: a restore, once authorised, ends the trip.
    mutating func commanded(_ command: EnergyCommand, from source: String) -> [Action] {
        func reject(_ detail: String) -> [Action] { [.answer(commandID: command.id, .rejected, detail)] }
        guard source == Event.operatorSource else {
            return reject("commands are taken from operators only (energy-host ctl, the admin API), not from \(source)")
        }
        guard command.action == "restore" else { return reject("unknown action \"\(command.action)\": this adapter takes restore") }
        guard !command.issuedBy.isEmpty else { return reject("a restore needs an authenticated operator (energy-host ctl restore)") }
        guard !command.reference.isEmpty else { return reject("a restore needs RTE's authorisation reference") }
        guard var held else { return reject("no trip is held") }
        if let restore = held.restore { return reject("restore \(restore.request.commandID) is under way") }
        let request = RestoreRequest(commandID: command.id, issuedBy: command.issuedBy, reference: command.reference, reason: command.reason)
        held.restore = (request, recording: held.recordID != nil, answered: false)
        self.held = held
        var actions: [Action] = [.arm(.restoreDeadline(commandID: command.id), after: settings.restoreDeadline)]
        if let id = held.recordID { actions.append(.recordRestore(tripID: id, request)) }
        return actions
    }

    /// The restore of `commandID` is written: the load comes back.
    mutating func restoreRecorded(commandID: String) -> [Action] {
        guard let current = held, let id = current.recordID, let restore = current.restore, restore.request.commandID == commandID else { return [] }
        held = nil
        _ = trigger.restore()
        var actions: [Action] = [.restore(tripID: id, restore.request)]
        if restore.answered {
            actions.append(.log(
                kind: "restore_late", tripID: id,
                detail: "the restore \(commandID) was written after its answer (failed): the audit trail holds it, so the load is restored now"
            ))
        } else {
            actions.append(.answer(commandID: commandID, .executed, "load restored (trip \(id))"))
        }
        return actions
    }

    /// The restore of `commandID` could not be written: nothing is restored.
    mutating func restoreRecordFailed(commandID: String, _ error: String) -> [Action] {
        guard var held, let restore = held.restore, restore.request.commandID == commandID else { return [] }
        held.restore = nil
        self.held = held
        return restore.answered ? [] : [.answer(commandID: commandID, .failed, "the audit trail could not record the restore: \(error)")]
    }

    /// A timer armed earlier fired.
    mutating func fired(_ timer: Timer) -> [Action] {
        guard var held else { return [] }
        defer { self.held = held }
        switch timer {
        case .shedWait:
            guard !held.shedSent else { return [] }
            held.shedSent = true
            return [
                .shed(held.trip, resumed: false),
                .log(kind: "shed_before_record", tripID: nil, detail: "the trip was not written within \(settings.shedWait): shed first"),
            ]
        case .tripRecordRetry:
            guard held.recordID == nil, !held.writing else { return [] }
            held.writing = true
            return [.recordTrip(held.trip)]
        case .restoreDeadline(let commandID):
            guard var restore = held.restore, restore.request.commandID == commandID, !restore.answered else { return [] }
            guard restore.recording else {
                held.restore = nil
                return [.answer(
                    commandID: commandID, .failed,
                    "the trip is not written to the audit trail yet (alarm audit_trail): a restore is recorded against it; try again"
                )]
            }
            restore.answered = true
            held.restore = restore
            return [
                .abandonRestoreRecord(commandID: commandID),
                .answer(commandID: commandID, .failed, "the audit trail did not record the restore within \(settings.restoreDeadline); nothing restored"),
            ]
        }
    }

    // MARK: The trigger's outputs

    private mutating func take(_ outputs: [FrequencyTrigger.Output]) -> [Action] {
        var actions: [Action] = []
        for output in outputs {
            guard case .tripped(let trip) = output else {
                actions.append(.noticed(output))
                continue
            }
            held = Held(trip: trip, writing: true, retryPause: settings.firstRetryPause)
            actions += [.recordTrip(trip), .arm(.shedWait, after: settings.shedWait)]
        }
        return actions
    }
}

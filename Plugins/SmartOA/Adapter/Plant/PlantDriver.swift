import AdapterKit
import Synchronization

/// Drives the contracts' plants on the bus: a `schedule` event for every effective change of a
/// contract's orders, a `curtail` command to its targets when a stop period starts and a `release`
/// when it ends (lossless), every command recorded in the ledger; follows the plants'
/// `command_ack`s, alarms a plant that does not answer in time, and, for `after_plant` contracts,
/// makes a stop order's acknowledgement ready once every target confirmed its curtailment.
final class PlantDriver: Sendable {
    /// The last command sent to a contract's plant, and who has not answered it yet.
    struct Sent: Sendable, Hashable {
        var id: String
        var action: String
        var period: Range<EventTime>?
        var time: EventTime
        var unanswered: Set<String>
    }

    private let contracts: [String: (contract: SmartOAConfiguration.Contract, account: String)]
    private let context: AdapterContext
    private let ledger: SmartOALedger
    private let state: SmartOAState
    private let ackTimeout: Duration
    private let sent = Mutex<[String: Sent]>([:])

    init(configuration: SmartOAConfiguration, context: AdapterContext, ledger: SmartOALedger, state: SmartOAState) {
        var contracts: [String: (SmartOAConfiguration.Contract, String)] = [:]
        for account in configuration.accounts {
            for contract in account.contracts { contracts[contract.contractId] = (contract, account.name) }
        }
        self.contracts = contracts
        self.context = context
        self.ledger = ledger
        self.state = state
        self.ackTimeout = configuration.plantAckTimeoutS.duration
    }

    /// The last command sent to `contract`'s plant.
    func lastCommand(of contract: String) -> Sent? {
        sent.withLock { $0[contract] }
    }

    /// Takes back the last commands from the ledger, then brings every plant and schedule in line
    /// with the stored orders (an unreachable platform leaves them running).
    ///
    /// A curtailment still due that some target never answered before the restart (its answer may
    /// have been lost with the process) is sent again, so that the plant confirms it; one every
    /// target confirmed releases, for `after_plant` contracts, the acknowledgements still waiting
    /// for it. A curtailment no longer due is released as usual.
    func start() async throws {
        let now = context.now()
        for (contract, command) in try await ledger.lastCommands() {
            let period = command.action == "curtail" ? state.withBook { $0.stopPeriod(of: contract, at: now) } : nil
            let answers: [String?] = period == nil ? [] : Array(try await ledger.answers(to: command.id).values)
            if answers.contains(where: { $0 == nil }) { continue }  // curtailed again below
            sent.withLock { $0[contract] = Sent(id: command.id, action: command.action, period: period, time: now, unanswered: []) }
            if let period, answers.allSatisfy({ $0 == AckOutcome.executed.rawValue || $0 == AckOutcome.accepted.rawValue }) {
                await releaseAcknowledgements(of: contract, executedIn: period, at: now)
            }
        }
        for contract in contracts.keys.sorted() { await ordersChanged(of: contract) }
    }

    /// Publishes `contract`'s schedule if its orders changed, and commands its plant if needed.
    func ordersChanged(of contract: String) async {
        await publishSchedule(of: contract)
        await command(contract, at: context.now())
    }

    /// Sends the commands due at the current time and checks the plants' answers.
    func tick() async {
        let now = context.now()
        for contract in contracts.keys.sorted() {
            await command(contract, at: now)
            checkAnswers(of: contract, at: now)
        }
    }

    /// Takes a plant's `command_ack` (kind `command_ack`, from the target that answers).
    func handle(_ ack: EnergyCommandAck, from source: String) async {
        let positive = ack.outcome == AckOutcome.executed.rawValue || ack.outcome == AckOutcome.accepted.rawValue
        let match = sent.withLock { sent -> (String, Sent, Bool)? in
            guard let (contract, command) = sent.first(where: { $0.value.id == ack.id }) else { return nil }
            var updated = command
            let target = updated.unanswered.contains(source) ? source : updated.unanswered.first
            if let target { updated.unanswered.remove(target) }
            sent[contract] = updated
            return (contract, updated, updated.unanswered.isEmpty)
        }
        guard let (contract, command, complete) = match else { return }
        let now = context.now()
        _ = try? await ledger.recordCommandAck(id: ack.id, target: source, outcome: ack.outcome, at: now)
        context.logger.info("plant answered", metadata: ["contract": "\(contract)", "command": "\(ack.id)", "outcome": "\(ack.outcome)", "from": "\(source)"])
        guard positive else {
            publish(state.withAlarms {
                $0.raise("plant_command_failed", for: contract, severity: .critical,
                         "\(source) answered \(ack.outcome) to \(command.action) of contract \(contract): \(ack.detail)")
            })
            return
        }
        if complete {
            publish(state.withAlarms { $0.clear("plant_ack_missing", for: contract, "the plant of contract \(contract) answered") })
            publish(state.withAlarms { $0.clear("plant_command_failed", for: contract, "the plant of contract \(contract) confirmed \(command.action)") })
        }
        guard complete, command.action == "curtail", let period = command.period else { return }
        await releaseAcknowledgements(of: contract, executedIn: period, at: now)
    }

    /// For an `after_plant` contract, makes the acknowledgements of the stop orders a confirmed
    /// curtailment of `period` executes ready to be sent.
    private func releaseAcknowledgements(of contract: String, executedIn period: Range<EventTime>, at now: EventTime) async {
        guard let entry = contracts[contract], entry.contract.acknowledge == .afterPlant else { return }
        let keys = state.withBook { book in
            book.effectiveOrders(of: contract).filter { $0.stopsThePlant && $0.start < period.upperBound && period.lowerBound < $0.end }.map(\.key)
        }
        do {
            try await ledger.release(keys, at: now)
            state.acknowledgeSoon(entry.account)
        } catch {
            context.logger.error("ledger write failed: acknowledgements after the plant wait", metadata: ["error": "\(error)"])
        }
    }

    private func command(_ contract: String, at now: EventTime) async {
        guard let entry = contracts[contract] else { return }
        let period = state.withBook { $0.stopPeriod(of: contract, at: now) }
        guard let decision = PlantCommandDecision.next(lastAction: lastCommand(of: contract)?.action, stopPeriod: period) else { return }
        let seconds = (decision == .release ? now : period?.lowerBound ?? now).nanosecondsSinceEpoch / 1_000_000_000
        let action = decision == .release ? "release" : "curtail"
        let id = "smartoa-\(contract)-\(action)-\(seconds)"
        let orders = state.withBook { book in book.effectiveOrders(of: contract).filter { $0.stopsThePlant && (period?.overlaps($0.start..<$0.end) ?? false) } }
        var refusals: [String] = []
        for target in entry.contract.targets {
            var command = EnergyCommand()
            command.id = id
            command.target = target
            command.action = action
            if let period {
                command.validFrom = period.lowerBound.timestamp
                command.validUntil = period.upperBound.timestamp
            }
            command.reason = decision == .release ? "Smart OA: no stop requested for contract \(contract)" : "Smart OA: stop requested for contract \(contract)"
            command.reference = orders.map(\.key.description).joined(separator: ",")
            do {
                try await context.publish(command, topic: "sites/\(context.siteID)/\(target)/commands")
            } catch {
                refusals.append("\(target): \(error)")
                continue
            }
            do {
                try await ledger.recordCommand(id: id, contract: contract, target: target, action: action, period: period, at: now)
            } catch {
                context.logger.error("command sent but not recorded", metadata: ["contract": "\(contract)", "target": "\(target)", "error": "\(error)"])
            }
        }
        guard refusals.isEmpty else {
            // Sent again at the next tick (to every target: a plant takes the same command twice
            // alike); alarmed and logged once.
            if let alarm = state.withAlarms({
                $0.raise("plant_command_refused", for: contract, severity: .critical,
                         "\(action) of contract \(contract) could not be sent: \(refusals.joined(separator: "; "))")
            }) {
                context.logger.error("command not sent", metadata: ["contract": "\(contract)", "action": "\(action)", "refusals": "\(refusals)"])
                context.publishAlarm(alarm)
            }
            return
        }
        publish(state.withAlarms { $0.clear("plant_command_refused", for: contract, "\(action) of contract \(contract) sent") })
        context.logger.info("plant commanded", metadata: ["contract": "\(contract)", "action": "\(action)", "command": "\(id)", "orders": "\(orders.map(\.key.description))"])
        context.increment(counter: "smartoa_plant_commands_total", labels: ["contract": contract, "action": action])
        sent.withLock { $0[contract] = Sent(id: id, action: action, period: period, time: now, unanswered: Set(entry.contract.targets)) }
    }

    private func checkAnswers(of contract: String, at now: EventTime) {
        guard let command = lastCommand(of: contract), !command.unanswered.isEmpty,
            now.sinceEpoch - command.time.sinceEpoch >= ackTimeout
        else { return }
        publish(state.withAlarms {
            $0.raise("plant_ack_missing", for: contract, severity: .critical,
                     "no answer from \(command.unanswered.sorted().joined(separator: ", ")) to \(command.action) \(command.id) of contract \(contract)")
        })
    }

    private func publishSchedule(of contract: String) async {
        let orders = state.withBook { $0.effectiveOrders(of: contract) }
        let fingerprint = orders.map { "\($0.curtailmentID)|\($0.version)|\($0.start)|\($0.end)|\($0.stopsThePlant)" }.joined(separator: ";")
        do {
            let last = try await ledger.schedule(of: contract)
            // Unchanged, or still nothing known: no event.
            guard last?.fingerprint ?? "" != fingerprint else { return }
            var schedule = EnergySchedule()
            schedule.id = "smartoa-\(contract)"
            schedule.revision = (last?.revision ?? 0) &+ 1
            schedule.reason = "Smart OA orders of contract \(contract)"
            schedule.orders = orders.map { order in
                var scheduled = EnergyScheduledOrder()
                scheduled.start = order.start.timestamp
                scheduled.end = order.end.timestamp
                scheduled.action = order.stopsThePlant ? "curtail" : "release"
                return scheduled
            }
            try await context.publish(schedule, stream: "schedules")
            try await ledger.recordSchedule(of: contract, revision: schedule.revision, fingerprint: fingerprint, at: context.now())
        } catch {
            context.logger.error("schedule not published", metadata: ["contract": "\(contract)", "error": "\(error)"])
        }
    }

    private func publish(_ alarm: EnergyAlarm?) {
        if let alarm { context.publishAlarm(alarm) }
    }
}

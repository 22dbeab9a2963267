import AdapterKit
import AdapterKitHTTPClient
import Synchronization

/// One account's loop: polls the platform (a full resynchronisation at start and periodically),
/// stores each new order revision in the ledger before anything else, hands the changes to the
/// plant, and sends the account's outstanding acknowledgements, reconciling first any whose outcome
/// is uncertain. Never throws: failures become alarms and a later poll.
final class AccountWorker: Sendable {
    let account: SmartOAConfiguration.Account
    let configuration: SmartOAConfiguration
    let context: AdapterContext
    let ledger: SmartOALedger
    let state: SmartOAState
    let plant: PlantDriver
    /// Gives a fraction in [0, 1) for the poll jitter.
    let random: @Sendable () -> Double

    /// Requests sent by this account's task (every endpoint).
    private let requests = Atomic<Int>(0)

    init(account: SmartOAConfiguration.Account, configuration: SmartOAConfiguration, context: AdapterContext, ledger: SmartOALedger,
         state: SmartOAState, plant: PlantDriver, random: @escaping @Sendable () -> Double) {
        self.account = account
        self.configuration = configuration
        self.context = context
        self.ledger = ledger
        self.state = state
        self.plant = plant
        self.random = random
    }

    /// Polls and acknowledges until cancelled.
    func run(with http: HTTPClientResource) async {
        let client = SmartOAClient(http: http, pageSize: configuration.pageSize) { [self] endpoint in
            requests.add(1, ordering: .relaxed)
            context.increment(counter: "smartoa_requests_total", labels: ["account": account.name, "endpoint": endpoint])
        }
        var planner = PollPlanner(
            interval: configuration.pollIntervalS.duration, jitter: configuration.pollJitterS.duration,
            resyncInterval: configuration.resyncIntervalS.duration
        )
        while !Task.isCancelled {
            let started = context.now()
            checkExpiry(at: started)
            let resync = planner.isResyncDue(at: started)
            let before = requests.load(ordering: .relaxed)
            var outcome = await poll(client, resync: resync, at: started)
            let acknowledgements = await acknowledgeOutstanding(client)
            if case .success = outcome, let acknowledgements { outcome = acknowledgements }
            let delay = planner.next(after: outcome, resync: resync, at: started, random: random())
            report(outcome, resync: resync, requests: requests.load(ordering: .relaxed) - before, at: started, failures: planner.consecutiveFailures)
            await wait(delay)
        }
    }

    /// Reads the account's orders; stores and applies the new revisions.
    private func poll(_ client: SmartOAClient, resync: Bool, at time: EventTime) async -> PollOutcome {
        do throws(SmartOAClient.Failure) {
            if resync { checkContracts(try await client.contracts(token: account.token)) }
            let past = resync ? Duration.seconds(3600 * configuration.windowPastH) : max(.seconds(3600), configuration.pollIntervalS.duration * 2)
            let window = EventTime(sinceEpoch: time.sinceEpoch - past)..<EventTime(sinceEpoch: time.sinceEpoch + .seconds(3600 * configuration.windowFutureH))
            for contract in account.contracts {
                let revisions = try await client.revisions(token: account.token, contract: contract.contractId, window: window)
                await take(revisions.filter { $0.order.contractID == contract.contractId }, of: contract, at: time)
            }
            return .success
        } catch {
            return PollOutcome(error)
        }
    }

    /// Stores the revisions not seen yet (durable before anything acts on them), then applies them.
    private func take(_ revisions: [OrderRevision], of contract: SmartOAConfiguration.Contract, at time: EventTime) async {
        let policy = contract.acknowledge
        let stored: [OrderRevision]
        do {
            let result = try await ledger.store(revisions, account: account.name, at: time) { order in
                policy == .afterPlant && order.stopsThePlant ? .waiting : .pending
            }
            stored = result.new
            for key in result.conflicts {
                publish(state.withAlarms {
                    $0.raise("revision_conflict", for: key.description, severity: .warning,
                             "the platform changed \(key) of contract \(contract.contractId) without a new version; the first one received stays in force")
                })
            }
        } catch {
            context.logger.error("order revisions not stored: not acted on", metadata: ["contract": "\(contract.contractId)", "error": "\(error)"])
            return
        }
        guard !stored.isEmpty else { return }
        for revision in stored {
            context.logger.info("order revision received", metadata: [
                "contract": "\(contract.contractId)", "curtailment": "\(revision.order.curtailmentID)", "version": "\(revision.order.version)",
                "stop": "\(revision.order.stopsThePlant)", "start": "\(revision.order.start)", "end": "\(revision.order.end)",
            ])
            context.increment(counter: "smartoa_revisions_total", labels: ["contract": contract.contractId])
            if policy == .afterPlant {
                try? await ledger.supersede(revision.order.curtailmentID, below: revision.order.version, at: time)
            }
        }
        let changed = state.withBook { book in stored.map { book.apply($0.order) }.contains(true) }
        if changed { await plant.ordersChanged(of: contract.contractId) }
    }

    /// Sends the account's outstanding acknowledgements; nil when none failed, else how the
    /// platform answered (for the next poll's delay and the alarms).
    private func acknowledgeOutstanding(_ client: SmartOAClient) async -> PollOutcome? {
        let outstanding: [SmartOALedger.Outstanding]
        do {
            outstanding = try await ledger.revisions(in: AcknowledgementState.outstanding).filter { $0.account == account.name }
        } catch {
            context.logger.error("ledger not readable: acknowledgements wait", metadata: ["error": "\(error)"])
            return nil
        }
        for item in outstanding {
            let key = item.order.key
            if item.state != .pending {
                // The last attempt's answer was lost: ask the platform before sending again.
                do {
                    let window = item.order.start..<item.order.end
                    let known = try await client.acknowledged(token: account.token, contract: item.order.contractID, window: window)
                    let found = known.contains(key)
                    try await ledger.settle(key, state: found ? .acknowledged : .pending, step: found ? "reconciled_present" : "reconciled_absent",
                                            status: nil, detail: found ? "the platform has it" : "the platform does not have it", at: context.now())
                    if found {
                        acknowledged(item)
                        continue
                    }
                } catch let failure as SmartOAClient.Failure {
                    return PollOutcome(failure)
                } catch {
                    context.logger.error("ledger write failed", metadata: ["error": "\(error)"])
                    return nil
                }
            }
            if let failed = await send(key, of: item, client) { return failed }
        }
        return nil
    }

    /// Sends one acknowledgement, its attempt recorded before and its answer after.
    private func send(_ key: OrderKey, of item: SmartOALedger.Outstanding, _ client: SmartOAClient) async -> PollOutcome? {
        do {
            try await ledger.beginAttempt(key, at: context.now())
        } catch {
            context.logger.error("ledger write failed: acknowledgement not sent", metadata: ["revision": "\(key)", "error": "\(error)"])
            return nil
        }
        let outcome = await client.acknowledge(token: account.token, key, at: context.now())
        let now = context.now()
        do {
            switch outcome {
            case .created(let status):
                try await ledger.settle(key, state: .acknowledged, step: "created", status: status, detail: "", at: now)
                acknowledged(item)
            case .alreadyAcknowledged:
                try await ledger.settle(key, state: .acknowledged, step: "already_acknowledged", status: 409, detail: "", at: now)
                acknowledged(item)
            case .notTaken(let failure):
                try await ledger.settle(key, state: .pending, step: "not_taken", status: failure.answer?.status, detail: "\(failure)", at: now)
                return PollOutcome(.http(failure))
            case .refused(let failure):
                try await ledger.settle(key, state: .refused, step: "refused", status: failure.answer?.status, detail: "\(failure)", at: now)
                context.logger.error("acknowledgement refused by the platform", metadata: ["revision": "\(key)", "answer": "\(failure)"])
                publish(state.withAlarms {
                    $0.raise("acknowledgement_refused", for: key.description, severity: .critical,
                             "the platform refused the acknowledgement of \(key): \(failure)")
                })
            case .uncertain(let reason):
                try await ledger.settle(key, state: .uncertain, step: "uncertain", status: nil, detail: reason, at: now)
                return .unavailable(reason, retryAfter: nil)
            }
        } catch {
            context.logger.error("ledger write failed after an acknowledgement", metadata: ["revision": "\(key)", "error": "\(error)"])
        }
        return nil
    }

    private func acknowledged(_ item: SmartOALedger.Outstanding) {
        context.increment(counter: "smartoa_acknowledgements_total", labels: ["account": account.name])
        context.logger.info("order revision acknowledged", metadata: ["revision": "\(item.order.key)", "contract": "\(item.order.contractID)"])
    }

    /// Warns of configured contracts the token does not see.
    private func checkContracts(_ visible: [String]) {
        let visible = Set(visible)
        for contract in account.contracts {
            let missing = !visible.contains(contract.contractId)
            publish(state.withAlarms { alarms in
                missing
                    ? alarms.raise("contract_unknown", for: contract.contractId, severity: .warning,
                                   "contract \(contract.contractId) is not among the contracts of account \(account.name)")
                    : alarms.clear("contract_unknown", for: contract.contractId, "contract \(contract.contractId) is visible again")
            })
        }
    }

    private func checkExpiry(at time: EventTime) {
        guard let text = account.tokenExpires, let expires = SmartOAConfiguration.expiry(text) else { return }
        for alarm in state.withAlarms({ AccountAlarms.expiry(&$0, account: account.name, expires: expires, at: time) }) { publish(alarm) }
    }

    private func report(_ outcome: PollOutcome, resync: Bool, requests: Int, at time: EventTime, failures: Int) {
        var detail = ""
        switch outcome {
        case .reset(let reason), .malformed(let reason), .unavailable(let reason, _): detail = reason
        case .clientError(let status, let body): detail = "HTTP \(status): \(body)"
        default: break
        }
        state.record(.init(time: time, outcome: outcome.label, detail: detail, requests: requests, resync: resync), of: account.name)
        context.increment(counter: "smartoa_polls_total", labels: ["account": account.name, "outcome": outcome.label])
        if case .success = outcome {} else {
            context.logger.warning("poll failed", metadata: ["account": "\(account.name)", "outcome": "\(outcome.label)", "detail": "\(detail)"])
        }
        for alarm in state.withAlarms({ AccountAlarms.update(&$0, account: account.name, outcome: outcome, failuresInARow: failures) }) {
            publish(alarm)
        }
    }

    private func publish(_ alarm: EnergyAlarm?) {
        if let alarm { context.publishAlarm(alarm) }
    }

    /// Waits `delay`, or less when asked to acknowledge soon (checked every second).
    private func wait(_ delay: Duration) async {
        var left = delay
        while left > .zero, !Task.isCancelled {
            let step = min(left, .seconds(1))
            do { try await context.clock.sleep(for: step) } catch { return }
            left -= step
            if state.takeAcknowledgeSoon(account.name) { return }
        }
    }
}

import AdapterKit

/// The operator role's logic: turns commands (from the bus or `energy-host ctl`) into calls to
/// the remote BACS, keeps the requests it sent (stored, so a confirmation still works after a
/// restart), and reports what came back: each command's acknowledgement, the BACS's answer as a
/// `flex_confirmation`, realized steps as `flex_realization`, and alarms (a BACS that does not
/// answer, a realized power above the asset's potential).
///
/// Actions: `get_assets`; `ask` (`reference`: the requestID, `value` and `unit`: the power,
/// `valid_from` / `valid_until`: the period); `confirm`, `realise` (`reference`: the requestID);
/// `consumptions` (getBACSAssetsConsos) and `history` (getBACSAssetsHisto).
actor FlexOperatorRole {
    /// What the role tells the adapter to publish.
    enum Output: Sendable {
        case confirmation(EnergyFlexConfirmation)
        case realization(EnergyFlexRealization)
        case alarm(code: String, severity: String, message: String, active: Bool)
    }

    private let settings: FlexReadyConfiguration.Operator
    private let client: FlexOperatorClient
    private let store: FlexRequestStore
    private var sent: [String: FlexRequestBook.Entry] = [:]
    /// The largest potential of each asset, W, from the last getBACSAssets.
    private var potentials: [String: Double] = [:]
    private var unreachable = false
    /// Whether `flex_realized_above_potential` is raised (cleared by a realization within it).
    private var aboveThePotential = false
    private let now: @Sendable () -> FlexTime
    private let output: @Sendable (Output) async -> Void
    private let log: @Sendable (_ error: Bool, _ message: String) -> Void

    init(
        settings: FlexReadyConfiguration.Operator, client: FlexOperatorClient, store: FlexRequestStore, now: @escaping @Sendable () -> FlexTime,
        output: @escaping @Sendable (Output) async -> Void, log: @escaping @Sendable (_ error: Bool, _ message: String) -> Void
    ) async throws {
        self.settings = settings
        self.client = client
        self.store = store
        self.now = now
        self.output = output
        self.log = log
        for entry in try await store.load() { sent[entry.requestID] = entry }
    }

    /// Carries out `command` and says how it ended.
    func handle(_ command: EnergyCommand) async -> EnergyCommandAck {
        var ack = EnergyCommandAck()
        ack.id = command.id
        do {
            ack.detail = try await perform(command)
            ack.outcome = "executed"
        } catch let problem as Problem {
            ack.outcome = "rejected"
            ack.detail = problem.message
        } catch is CancellationError {
            ack.outcome = "failed"
            ack.detail = "the adapter is stopping"
        } catch {
            ack.outcome = "failed"
            ack.detail = "\(error)"
        }
        return ack
    }

    /// The start request of the configuration: getBACSAssets, askFlex, confirm (unless refused),
    /// realise. A BACS starting beside the operator (the demo's, in the same host) is given
    /// `patience` to answer first.
    func run(_ scenario: FlexReadyConfiguration.Operator.Scenario, patience: Duration = .seconds(30)) async {
        let deadline = ContinuousClock.now + patience
        while ContinuousClock.now < deadline, !Task.isCancelled {
            do {
                _ = try await client.send(.init(route: .getBACSAssets, bacsID: settings.bacsId))
                break
            } catch {
                guard case .unreachable = error else { break }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        var steps: [EnergyCommand] = [command("get_assets")]
        var ask = command("ask", reference: scenario.requestId)
        ask.value = scenario.powerKw
        ask.unit = "kW"
        if let start = FlexTime(parsing: scenario.start), let end = FlexTime(parsing: scenario.end) {
            ask.validFrom = Self.timestamp(start).timestamp
            ask.validUntil = Self.timestamp(end).timestamp
        }
        steps += [ask, command("confirm", reference: scenario.requestId), command("realise", reference: scenario.requestId)]
        for step in steps {
            let ack = await handle(step)
            log(ack.outcome != "executed", "flexready operator: \(step.action) \(scenario.requestId): \(ack.outcome), \(ack.detail)")
            guard ack.outcome == "executed", !(step.action == "ask" && ack.detail.hasPrefix("refused")) else { return }
        }
    }

    /// A command that cannot be carried out as given (rejected).
    private struct Problem: Error {
        var message: String
    }

    /// A call the BACS refused or did not answer (failed).
    private struct CallFailure: Error, CustomStringConvertible {
        var description: String
    }

    private func perform(_ command: EnergyCommand) async throws -> String {
        switch command.action {
        case "get_assets": return try await assets()
        case "ask": return try await ask(command)
        case "confirm": return try await confirm(try requestID(of: command))
        case "realise", "realize": return try await realise(try requestID(of: command))
        case "consumptions": return try await list(.getBACSAssetsConsos)
        case "history": return try await list(.getBACSAssetsHisto)
        default: throw Problem(message: "unknown action \"\(command.action)\": get_assets, ask, confirm, realise, consumptions or history")
        }
    }

    private func assets() async throws -> String {
        let answer = try await send(.init(route: .getBACSAssets, bacsID: settings.bacsId))
        var described: [String] = []
        for asset in answer.arrayValue ?? [] {
            guard let id = asset["asset"]?.stringValue else { continue }
            let watts = (asset["potentiel"]?.arrayValue ?? []).compactMap { Self.watts($0["power"]) }.max()
            potentials[id] = watts
            described.append(watts.map { "\(id) (\(JSONValue.format($0 / 1000)) kW)" } ?? id)
        }
        return "\(described.count) asset(s): \(described.joined(separator: ", "))"
    }

    private func ask(_ command: EnergyCommand) async throws -> String {
        let requestID = try requestID(of: command)
        guard command.hasValue, command.value > 0, let multiplier = ["W": "", "kW": "k", "MW": "M"][command.unit] else {
            throw Problem(message: "ask needs a positive value in W, kW or MW")
        }
        let start = FlexTime(secondsSinceEpoch: EventTime(command.validFrom).nanosecondsSinceEpoch / 1_000_000_000)
        let end = FlexTime(secondsSinceEpoch: EventTime(command.validUntil).nanosecondsSinceEpoch / 1_000_000_000)
        guard command.hasValidFrom, command.hasValidUntil, end > start else {
            throw Problem(message: "ask needs valid_from and valid_until, the end after the start")
        }
        let slot = PowerSlot(power: FloatQuantity(unit: "W", multiplier: .init(symbol: multiplier) ?? .kilo, value: command.value), start: start, end: end)
        let body = FlexRequestBody(
            requestID: requestID, flexProduct: FlexProduct(rawValue: settings.flexProduct) ?? .wholesaleIntraday, power: [slot],
            askingPrice: settings.level == 2 ? settings.askingPrice : nil
        )
        let answer = try await send(.init(route: .askFlex, bacsID: settings.bacsId, assetID: settings.assetId, body: Array(body.json.jsonText.utf8)))
        // A BACS answering only the seed's message acknowledged (level 1) or accepted (level 2).
        let decision = FlexRequestEvaluator.Decision(json: answer) ?? (settings.level == 1 ? .receivedWithoutCommitment(warnings: []) : .accepted)
        let entry = FlexRequestBook.Entry(bacsID: settings.bacsId, assetID: settings.assetId, body: body, decision: decision, answeredAt: now())
        // The BACS answered: the request stands whether or not it can be stored here.
        sent[requestID] = entry
        let unsaved = await save(entry)
        var confirmation = EnergyFlexConfirmation()
        confirmation.requestID = "\(settings.bacsId)/\(settings.assetId)/\(requestID)"
        confirmation.accepted = decision.status != "refused"
        confirmation.power = (Self.committed(entry).map(\.power.watts).max() ?? 0)
        confirmation.detail = "the BACS answered \(decision.status)" + (FlexEvents.reason(of: decision).map { ": \($0)" } ?? "")
        await output(.confirmation(confirmation))
        return decision.status + (FlexEvents.reason(of: decision).map { ": \($0)" } ?? "") + unsaved
    }

    /// Stores `entry`; on failure logs it and returns what the ack adds (the request is kept in
    /// memory, so it can still be confirmed until a restart).
    private func save(_ entry: FlexRequestBook.Entry) async -> String {
        do {
            try await store.save(entry)
            return ""
        } catch {
            log(true, "flexready operator: request \(entry.requestID) not stored (kept in memory until a restart): \(error)")
            return " (not stored: \(error))"
        }
    }

    private func confirm(_ requestID: String) async throws -> String {
        guard var entry = sent[requestID] else { throw Problem(message: "no request \"\(requestID)\" was sent to this BACS") }
        guard entry.decision.status != "refused" else { throw Problem(message: "the BACS refused \"\(requestID)\": nothing to confirm") }
        let body = FlexRequestBody(requestID: nil, flexProduct: entry.body.flexProduct, power: Self.committed(entry), askingPrice: entry.body.askingPrice)
        _ = try await send(.init(
            route: .confirmFlexRequest, bacsID: entry.bacsID, assetID: entry.assetID, requestID: requestID, body: Array(body.json.jsonText.utf8)))
        entry.confirmedAt = now()
        sent[requestID] = entry
        return "confirmed" + (await save(entry))
    }

    private func realise(_ requestID: String) async throws -> String {
        guard let entry = sent[requestID] else { throw Problem(message: "no request \"\(requestID)\" was sent to this BACS") }
        let answer = try await send(.init(route: .realiseFlexRequest, bacsID: entry.bacsID, assetID: entry.assetID, requestID: requestID))
        let potential = potentials[entry.assetID]
        var steps = 0, above: [String] = []
        for item in answer.arrayValue ?? [] {
            for reported in item["reported"]?.arrayValue ?? [] {
                guard let watts = Self.watts(reported["power"]), let start = FlexTime(parsing: reported["start"]?.stringValue ?? ""),
                    let end = FlexTime(parsing: reported["end"]?.stringValue ?? ""), end > start
                else { continue }
                steps += 1
                var realization = EnergyFlexRealization()
                realization.requestID = "\(entry.bacsID)/\(entry.assetID)/\(requestID)"
                realization.start = Self.timestamp(start).timestamp
                realization.end = Self.timestamp(end).timestamp
                realization.power = watts
                realization.energy = watts * Double(end.secondsSinceEpoch - start.secondsSinceEpoch) / 3600
                await output(.realization(realization))
                if let potential, watts > potential { above.append("\(start.text): \(JSONValue.format(watts / 1000)) kW") }
            }
        }
        if let potential, !above.isEmpty {
            let message = "request \(requestID): realized power above the asset's potential (\(JSONValue.format(potential / 1000)) kW) at " + above.joined(separator: ", ")
            log(true, "flexready operator: \(message)")
            aboveThePotential = true
            await output(.alarm(code: "flex_realized_above_potential", severity: "warning", message: message, active: true))
        } else if aboveThePotential {
            aboveThePotential = false
            await output(.alarm(code: "flex_realized_above_potential", severity: "info", message: "request \(requestID): realized within the potential", active: false))
        }
        return "\(steps) step(s) realized" + (above.isEmpty ? "" : ", \(above.count) above the potential")
    }

    private func list(_ route: FlexBACSRoutes.Route) async throws -> String {
        let answer = try await send(.init(route: route, bacsID: settings.bacsId, assetID: settings.assetId))
        let items = answer.arrayValue ?? []
        guard let last = items.last else { return "no consumption" }
        let value = Self.watts(last["conso"]).map { "\(JSONValue.format($0 / 1000)) kW" } ?? "?"
        return "\(items.count) value(s), the last \(last["date"]?.stringValue ?? "") \(last["hour"]?.stringValue ?? ""): \(value)"
    }

    /// Sends `call`, raising the `flex_bacs_unreachable` alarm when the BACS does not answer
    /// (after the retry) and clearing it when it answers again, even with an error.
    private func send(_ call: FlexBACSRoutes.Call) async throws -> JSONValue {
        do {
            let answer = try await client.send(call)
            await answered()
            return answer
        } catch {
            switch error {
            case .cancelled: throw CancellationError()
            case .unreachable(let reason):
                if !unreachable {
                    unreachable = true
                    await output(.alarm(code: "flex_bacs_unreachable", severity: "warning", message: "\(call.route.rawValue): \(reason)", active: true))
                }
            case .answered, .notJSON: await answered()
            }
            log(true, "flexready operator: \(call.route.rawValue) failed: \(error)")
            throw CallFailure(description: "\(call.route.rawValue): \(error)")
        }
    }

    /// The BACS answered: clears `flex_bacs_unreachable` if it was raised.
    private func answered() async {
        guard unreachable else { return }
        unreachable = false
        await output(.alarm(code: "flex_bacs_unreachable", severity: "warning", message: "the BACS answers again", active: false))
    }

    private func requestID(of command: EnergyCommand) throws -> String {
        let id = command.reference
        guard !id.isEmpty, id.wholeMatch(of: /[A-Za-z0-9._~-]+/) != nil else {
            throw Problem(message: "the reference must be the requestID ([A-Za-z0-9._~-]+), not \"\(id)\"")
        }
        return id
    }

    private func command(_ action: String, reference: String = "") -> EnergyCommand {
        var command = EnergyCommand()
        command.id = "flexready-start-\(action)"
        command.action = action
        command.reference = reference
        return command
    }

    /// The power the operator commits to: the counter-proposal's when the BACS modified it.
    private static func committed(_ entry: FlexRequestBook.Entry) -> [PowerSlot] {
        if case .modified(let power) = entry.decision { return power }
        return entry.body.power
    }

    private static func watts(_ value: JSONValue?) -> Double? {
        guard let value, let number = value["value"]?.numberValue else { return nil }
        let multiplier = FloatQuantity.Multiplier(symbol: value["multiplier"]?.stringValue ?? "") ?? .none
        return FloatQuantity(unit: "W", multiplier: multiplier, value: number).watts
    }

    private static func timestamp(_ time: FlexTime) -> EventTime {
        EventTime(nanosecondsSinceEpoch: time.secondsSinceEpoch * 1_000_000_000)
    }
}

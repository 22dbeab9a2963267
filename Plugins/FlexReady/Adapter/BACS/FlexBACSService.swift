import AdapterKit
import AdapterKitStorage

/// The BACS role's logic behind its HTTP routes: reads and checks requests, answers them from the
/// book, stores each new request or confirmation before its answer leaves, and counts unknown
/// identifiers for the possible-intrusion alarm.
///
/// A request is decided and entered in the book at once (an actor: one decision at a time), so a
/// retry or another request arriving while it is being stored sees it: a retry and its original
/// cannot both be new, and two requests cannot both take an asset's last activation of a day.
/// The writes of concurrent requests are grouped into one transaction (``GroupCommit``); each
/// answer leaves once its own entry is stored, a retry's once the original's is. An entry that
/// cannot be stored is taken out of the book again and answered 503.
package actor FlexBACSService {
    /// What the service tells the adapter, after storing and before answering.
    package enum Notice: Sendable, Hashable {
        /// A new request, stored.
        case request(FlexRequestBook.Entry)
        /// A request confirmed, stored.
        case confirmation(FlexRequestBook.Entry)
        /// The possible-intrusion alarm raised (true) or cleared, with what set it off.
        case intrusion(raised: Bool, detail: String)
    }

    private let bacs: [String: FlexBACS]
    private var book: FlexRequestBook
    private let store: FlexRequestStore
    private let writes: GroupCommit<FlexRequestBook.Entry>
    /// The writes in progress, by BACS and request id.
    private var pending: [String: Task<Void, any Error>] = [:]
    private var intrusion: IntrusionWatch
    private let now: @Sendable () -> FlexTime
    private let notify: @Sendable (Notice) async -> Void
    /// The assets' measured consumption (nil: no meter feeds any asset).
    private let consumptions: FlexConsumptions?

    /// The service for `bacs`, on the store at `storePath` (the requests stored there come back),
    /// reading the time from `now`.
    package init(
        bacs: [FlexBACS], storePath: String, intrusionThreshold: Int = 5, consumptions: FlexConsumptions? = nil,
        now: @escaping @Sendable () -> FlexTime, notify: @escaping @Sendable (Notice) async -> Void = { _ in }
    ) async throws {
        self.consumptions = consumptions
        self.bacs = Dictionary(bacs.map { ($0.id, $0) }) { first, _ in first }
        let store = try FlexRequestStore(path: storePath)
        self.store = store
        writes = GroupCommit { entries in try await store.save(entries) }
        // The book holds the configured ids' strings, not one copy per request (memory).
        let known = self.bacs
        book = FlexRequestBook(entries: try await store.load().map { entry in
            var entry = entry
            if let served = known[entry.bacsID] {
                entry.bacsID = served.id
                entry.assetID = served.asset(entry.assetID)?.id ?? entry.assetID
            }
            return entry
        })
        intrusion = IntrusionWatch(threshold: intrusionThreshold)
        self.now = now
        self.notify = notify
    }

    /// The answer to one call of a route.
    package func answer(_ call: FlexBACSRoutes.Call) async -> FlexAnswer {
        switch call.route {
        case .getBACSAssets: await assets(bacsID: call.bacsID)
        case .askFlex: await ask(bacsID: call.bacsID, assetID: call.assetID, body: call.body)
        case .confirmFlexRequest: await confirm(bacsID: call.bacsID, assetID: call.assetID, requestID: call.requestID, body: call.body)
        case .realiseFlexRequest: await realise(bacsID: call.bacsID, assetID: call.assetID, requestID: call.requestID)
        case .getBACSAssetsHisto: await history(bacsID: call.bacsID, assetID: call.assetID)
        case .getBACSAssetsConsos: await current(bacsID: call.bacsID)
        }
    }

    /// getBACSAssets: the BACS's assets, or an empty list for an unknown BACS (the référentiel).
    package func assets(bacsID: String) async -> FlexAnswer {
        guard let known = bacs[bacsID] else {
            await unknownIdentifier("BACS \"\(bacsID)\"")
            return FlexAnswer(status: 200, body: .array([]))
        }
        await quiet()
        return FlexAnswer(status: 200, body: .array(known.assets.map(\.json)))
    }

    /// askFlex / askFlexWithPrice.
    package func ask(bacsID: String, assetID: String, body: [UInt8]) async -> FlexAnswer {
        let request: FlexRequestBody
        do {
            request = try FlexRequestBody.read(body, withRequestID: true)
        } catch {
            return .error(400, "the request body is invalid", details: error.problems)
        }
        guard let known = bacs[bacsID] else {
            await unknownIdentifier("BACS \"\(bacsID)\"")
            return .error(422, "unknown BACS", details: ["bacs_id: unknown BACS \"\(bacsID)\""])
        }
        let asset = known.asset(assetID)
        if asset == nil { await unknownIdentifier("asset \"\(assetID)\" of BACS \"\(bacsID)\"") }
        let asked: FlexRequestBook.Asked
        do {
            asked = try book.ask(request, bacsID: known.id, assetID: asset?.id ?? assetID, asset: asset,
                                 evaluator: FlexRequestEvaluator(level: known.level, minimumPrice: known.minimumPrice, acceptsPastPeriods: known.acceptsPastPeriods), now: now())
        } catch {
            return .error(422, "the request cannot be carried out", details: error.problems)
        }
        switch asked {
        case .repeated(let entry):
            guard await stored(entry) else { return .error(503, "the request could not be stored; try again") }
            return Self.created(entry)
        case .new(let entry):
            guard await store(entry, replacing: nil) else { return .error(503, "the request could not be stored; try again") }
            await notify(.request(entry))
            if asset != nil { await quiet() }
            return Self.created(entry)
        }
    }

    /// confirmFlexRequest.
    package func confirm(bacsID: String, assetID: String, requestID: String, body: [UInt8]) async -> FlexAnswer {
        let confirmation: FlexRequestBody
        do {
            confirmation = try FlexRequestBody.read(body, withRequestID: false)
        } catch {
            return .error(400, "the request body is invalid", details: error.problems)
        }
        let level = bacs[bacsID]?.level ?? .one
        // A request still being stored is confirmed once it is (or refused with it).
        if let write = pending[Self.key(bacsID, requestID)], (try? await write.value) == nil {
            return .error(503, "the request could not be stored; try again")
        }
        let confirmed: FlexRequestBook.Confirmed
        do {
            confirmed = try book.confirm(confirmation, requestID: requestID, bacsID: bacsID, assetID: assetID, level: level, now: now())
        } catch {
            switch error {
            case .unknownRequest:
                await unknownIdentifier("request \"\(requestID)\" of BACS \"\(bacsID)\"")
                return .error(404, error.description)
            case .notConfirmable(let reason):
                return .error(422, "the request cannot be confirmed", details: [reason])
            }
        }
        switch confirmed {
        case .repeated(let entry):
            guard await stored(entry) else { return .error(503, "the confirmation could not be stored; try again") }
            return Self.confirmed(entry)
        case .new(let entry):
            guard await store(entry, replacing: book.entry(bacsID: bacsID, requestID: requestID)) else {
                return .error(503, "the confirmation could not be stored; try again")
            }
            await notify(.confirmation(entry))
            return Self.confirmed(entry)
        }
    }

    /// realiseFlexRequest: the asset's quarter-hour mean power over the request's period, in the
    /// request's unit and multiplier: `[{"requestID", "asset", "reported": [{power, start, end}]}]`.
    /// A quarter without measurements is left out.
    package func realise(bacsID: String, assetID: String, requestID: String) async -> FlexAnswer {
        guard let entry = book.entry(bacsID: bacsID, requestID: requestID), entry.assetID == assetID else {
            await unknownIdentifier("request \"\(requestID)\" of BACS \"\(bacsID)\"")
            return .error(404, FlexRequestBook.ConfirmationError.unknownRequest(requestID).description)
        }
        let start = entry.body.power.map(\.start).min()!, end = entry.body.power.map(\.end).max()!
        let steps: [MeanPowerSeries.Step]
        do {
            steps = try await consumptions?.quarters(of: .init(bacsID: bacsID, assetID: assetID), from: start, to: end) ?? []
        } catch {
            return .error(503, "the consumption could not be read; try again")
        }
        let reference = entry.body.power.first?.power
        let reported = steps.map { PowerSlot(power: FloatQuantity(watts: $0.watts, like: reference), start: $0.start, end: $0.start.adding(seconds: 900)).json }
        return FlexAnswer(status: 200, body: .array([
            .object(["requestID": .string(requestID), "asset": .string(assetID), "reported": .array(reported)]),
        ]))
    }

    /// getBACSAssetsHisto: the asset's hourly mean power of the last 30 days,
    /// `[{"date", "hour", "conso"}]`; an empty list for an unknown BACS or asset.
    package func history(bacsID: String, assetID: String) async -> FlexAnswer {
        guard bacs[bacsID]?.asset(assetID) != nil else {
            await unknownIdentifier("asset \"\(assetID)\" of BACS \"\(bacsID)\"")
            return FlexAnswer(status: 200, body: .array([]))
        }
        do {
            let steps = try await consumptions?.history(of: .init(bacsID: bacsID, assetID: assetID), now: now()) ?? []
            return FlexAnswer(status: 200, body: .array(steps.map { Self.consumption($0, asset: nil) }))
        } catch {
            return .error(503, "the consumption could not be read; try again")
        }
    }

    /// getBACSAssetsConsos: each asset's latest quarter-hour mean power less than an hour old,
    /// `[{"asset", "date", "hour", "conso"}]`; an empty list for an unknown BACS.
    package func current(bacsID: String) async -> FlexAnswer {
        guard let known = bacs[bacsID] else {
            await unknownIdentifier("BACS \"\(bacsID)\"")
            return FlexAnswer(status: 200, body: .array([]))
        }
        var items: [JSONValue] = []
        do {
            for asset in known.assets {
                if let step = try await consumptions?.current(of: .init(bacsID: bacsID, assetID: asset.id), now: now()) {
                    items.append(Self.consumption(step, asset: asset.id))
                }
            }
        } catch {
            return .error(503, "the consumption could not be read; try again")
        }
        return FlexAnswer(status: 200, body: .array(items))
    }

    /// `{"date": "YYYY-MM-DD", "hour": "HH:MM:SS", "conso": FloatQuantity}` (GMT), with `asset`.
    private static func consumption(_ step: MeanPowerSeries.Step, asset: String?) -> JSONValue {
        let text = step.start.text
        var members: [String: JSONValue] = [
            "date": .string(String(text.prefix(10))), "hour": .string(String(text.suffix(8))), "conso": FloatQuantity(watts: step.watts).json,
        ]
        if let asset { members["asset"] = .string(asset) }
        return .object(members)
    }

    private static func created(_ entry: FlexRequestBook.Entry) -> FlexAnswer {
        var members = entry.decision.json
        members["message"] = .string("Flex request created successfully")
        members["requestID"] = .string(entry.requestID)
        return FlexAnswer(status: 200, body: .object(members))
    }

    private static func confirmed(_ entry: FlexRequestBook.Entry) -> FlexAnswer {
        FlexAnswer(status: 200, body: .object([
            "message": .string("Flex request confirmed successfully"), "requestID": .string(entry.requestID),
        ]))
    }

    /// Enters `entry` in the book (in place of `previous`), then waits until it is stored; if it
    /// cannot be, puts `previous` back (or forgets the request) and answers false.
    private func store(_ entry: FlexRequestBook.Entry, replacing previous: FlexRequestBook.Entry?) async -> Bool {
        let key = Self.key(entry.bacsID, entry.requestID)
        book.record(entry)
        let write = Task { [writes] in try await writes.commit(entry) }
        pending[key] = write
        let done: Bool
        do {
            try await write.value
            done = true
        } catch {
            // Undone only if nothing replaced it meanwhile.
            if book.entry(bacsID: entry.bacsID, requestID: entry.requestID) == entry {
                if let previous { book.record(previous) } else { book.remove(bacsID: entry.bacsID, requestID: entry.requestID) }
            }
            done = false
        }
        if pending[key] == write { pending[key] = nil }
        return done
    }

    /// Waits for the write of `entry`'s request if one is in progress; false if it failed.
    private func stored(_ entry: FlexRequestBook.Entry) async -> Bool {
        guard let write = pending[Self.key(entry.bacsID, entry.requestID)] else { return true }
        return (try? await write.value) != nil
    }

    /// The key of a request in `pending`.
    private static func key(_ bacsID: String, _ requestID: String) -> String { bacsID + "\u{0}" + requestID }

    private func unknownIdentifier(_ what: String) async {
        if intrusion.invalidIdentifier(at: now()) {
            await notify(.intrusion(raised: true, detail: "\(intrusion.threshold) unknown identifiers within \(intrusion.windowSeconds / 60) min, the last \(what)"))
        }
    }

    private func quiet() async {
        if intrusion.clears(at: now()) { await notify(.intrusion(raised: false, detail: "no unknown identifier for \(intrusion.windowSeconds / 60) min")) }
    }
}

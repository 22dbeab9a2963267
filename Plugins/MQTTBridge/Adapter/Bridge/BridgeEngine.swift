import AdapterKit
import AdapterKitStorage
import DequeModule
import Logging
import Synchronization

/// The bridge at work: events out to the broker (lossless ones through the durable outbox,
/// telemetry directly or, while disconnected, into a bounded memory buffer), broker messages in
/// onto the bus, the retained status, and the counters.
///
/// Three loops run while the instance runs: the client's signals (connection, acknowledgements,
/// messages), the outbox pump (woken when something is queued or the connection comes back), and
/// a flusher (acknowledged items leave the outbox in batches; duplicate marks and gauges are
/// saved). Nothing polls the network: libmosquitto's own thread does the I/O.
final class BridgeEngine: Sendable {
    private let settings: BridgeSettings
    private let ledger: BridgeLedger
    private let client: MosquittoClient
    private let context: AdapterContext
    private let state: Mutex<State>
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    private struct State {
        var connected = false
        /// Since when no connection stands (from the start, then from each loss), and the last
        /// reason the client gave for a failed attempt.
        var unconnectedSince: ContinuousClock.Instant? = .now
        var lastFailure: String?
        var everConnected = false
        var stopping = false
        /// QoS 1 lossless messages handed to the client: message id → outbox id.
        var inflight: [Int32: Int64] = [:]
        /// The highest outbox id handed to the client.
        var handedThrough: Int64 = 0
        /// Outbox ids the broker acknowledged, to delete.
        var acknowledged: [Int64] = []
        /// Telemetry waiting for the connection, oldest first.
        var telemetry = Deque<(OutgoingMessage, [UInt8])>()
        /// The last lossless sequence received per sender, and those not saved yet.
        var received: [ReceivedKey: Int64] = [:]
        var unsaved: [ReceivedKey: Int64] = [:]
        /// Items in the outbox, and the last figure recorded in the gauge.
        var depth = 0
        var recordedDepth: Int?
        var alarms = AlarmSet()
        var statusMid: Int32?
        var statusAcknowledged: CheckedContinuation<Void, Never>?
    }

    init(settings: BridgeSettings, ledger: BridgeLedger, client: MosquittoClient, context: AdapterContext) throws {
        self.settings = settings
        self.ledger = ledger
        self.client = client
        self.context = context
        var initial = State()
        initial.received = try ledger.received()
        initial.depth = try ledger.pendingCount()
        state = Mutex(initial)
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: Running

    /// Connects and runs until ``stop()`` returns.
    func run() async {
        context.record(gauge: "mqttbridge_connected", 0)
        context.report(degraded: true)
        do {
            try client.start()
        } catch {
            context.logger.warning("first connection attempt failed; retrying", metadata: ["error": "\(error)"])
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.consumeSignals() }
            group.addTask { await self.pump() }
            group.addTask { await self.flushPeriodically() }
        }
        await flush()
    }

    /// Announces a clean stop (the retained status says `offline`, waited for at most 2 s),
    /// disconnects, and ends the loops.
    func stop() async {
        let connected = state.withLock { state in
            state.stopping = true
            return state.connected
        }
        if connected {
            await publishStoppedStatus(waitingAtMost: .seconds(2))
        }
        client.stop()
        wake.finish()
    }

    // MARK: Out

    /// Sends `events` (a delivered batch): lossless messages are stored in the outbox before this
    /// returns, telemetry goes out now or into the buffer.
    func send(_ events: [Event]) async throws {
        var lossless: [(kind: String, payload: [UInt8])] = []
        for event in events {
            let messages = settings.routing.outgoing(event)
            guard !messages.isEmpty else { continue }
            let body = BridgeMessage.body(of: event, origin: settings.origin, epoch: ledger.epoch, format: settings.format)
            for message in messages {
                if message.lossless {
                    lossless.append((OutboxEntry(message: message, body: body).kind, body))
                } else {
                    sendTelemetry(message, payload: BridgeMessage.finish(body, seq: nil))
                }
            }
        }
        guard !lossless.isEmpty else { return }
        try await ledger.outbox.enqueue(contentsOf: lossless, at: context.now())
        state.withLock { $0.depth += lossless.count }
        wake.yield()
    }

    private func sendTelemetry(_ message: OutgoingMessage, payload: [UInt8]) {
        let dropped = state.withLock { state -> String? in
            if state.connected, (try? client.publish(topic: message.topic, payload: payload, qos: message.qos, retain: message.retain)) != nil {
                return nil
            }
            state.telemetry.append((message, payload))
            guard state.telemetry.count > settings.telemetryBuffer else { return "" }
            return state.telemetry.removeFirst().0.route
        }
        switch dropped {
        case nil: context.increment(counter: "mqttbridge_messages_out_total", labels: ["route": message.route])
        case "": break
        case let route?: context.increment(counter: "mqttbridge_telemetry_dropped_total", labels: ["route": route])
        }
    }

    /// Hands the outbox's next items to the client while connected, up to the in-flight limit.
    private func pump() async {
        for await _ in wakes {
            while true {
                let (connected, room, after) = state.withLock { ($0.connected && !$0.stopping, settings.inflightLimit - $0.inflight.count, $0.handedThrough) }
                guard connected, room > 0 else { break }
                let items: [Outbox.Item]
                do {
                    items = try await ledger.outbox.pending(after: after, limit: min(room, 256))
                } catch {
                    context.logger.error("outbox unreadable", metadata: ["error": "\(error)"])
                    break
                }
                guard !items.isEmpty else { break }
                guard hand(items) else { break }
            }
        }
    }

    /// Publishes `items` at their QoS; false when the client refused one (it is handed again later).
    private func hand(_ items: [Outbox.Item]) -> Bool {
        var routes: [String: Int] = [:]
        let complete = state.withLock { state -> Bool in
            for item in items {
                guard let entry = OutboxEntry(kind: item.kind, payload: item.payload) else {
                    context.logger.error("outbox item unreadable; dropped", metadata: ["id": "\(item.id)", "kind": "\(item.kind)"])
                    state.acknowledged.append(item.id)
                    state.handedThrough = item.id
                    continue
                }
                let payload = BridgeMessage.finish(entry.body, seq: item.id)
                do {
                    // Under the lock: the acknowledgement cannot be handled before it is recorded.
                    let mid = try client.publish(topic: entry.message.topic, payload: payload, qos: entry.message.qos, retain: entry.message.retain)
                    if entry.message.qos == 0 {
                        state.acknowledged.append(item.id)
                    } else {
                        state.inflight[mid] = item.id
                    }
                    state.handedThrough = item.id
                    routes[entry.message.route, default: 0] += 1
                } catch {
                    context.logger.warning("publish refused by the client; retried on the next connection", metadata: ["error": "\(error)"])
                    return false
                }
            }
            return true
        }
        for (route, count) in routes {
            context.increment(counter: "mqttbridge_messages_out_total", by: Double(count), labels: ["route": route])
        }
        return complete
    }

    // MARK: Signals

    private func consumeSignals() async {
        for await signal in client.signals {
            switch signal {
            case .connected(let code, let reason):
                code == 0 ? connected() : refused(code: code, reason: reason)
            case .disconnected(let code, let reason):
                disconnected(code: code, reason: reason)
            case .acknowledged(let mid):
                acknowledged(mid)
            case .message(let topic, let payload, _, _):
                await receive(topic: topic, payload: payload)
            }
        }
    }

    private func connected() {
        let (reconnect, telemetry) = state.withLock { state in
            state.connected = true
            state.unconnectedSince = nil
            state.lastFailure = nil
            defer { state.everConnected = true }
            let telemetry = Array(state.telemetry)
            state.telemetry.removeAll()
            return (state.everConnected, telemetry)
        }
        context.logger.info("connected to the broker", metadata: ["broker": "\(settings.client.host):\(settings.client.port)"])
        context.record(gauge: "mqttbridge_connected", 1)
        context.report(degraded: false)
        if reconnect { context.increment(counter: "mqttbridge_reconnects_total") }
        alarm { $0.clear("broker_unreachable", "connected to the broker") }
        alarm { $0.clear("broker_refused", "connected to the broker") }
        publishStatus("online", reason: nil)
        for route in settings.routing.inbound {
            do {
                try client.subscribe(route.filter, qos: route.qos)
            } catch {
                context.logger.error("subscription refused", metadata: ["route": "\(route.name)", "error": "\(error)"])
            }
        }
        for (message, payload) in telemetry { sendTelemetry(message, payload: payload) }
        wake.yield()
    }

    private func refused(code: Int32, reason: String) {
        context.logger.error("the broker refused the connection", metadata: ["reason": "\(reason)", "code": "\(code)"])
        alarm { $0.raise("broker_refused", severity: .critical, "the broker refused the connection: \(reason)") }
    }

    private func disconnected(code: Int32, reason: String) {
        let wasConnected = state.withLock { state in
            defer {
                state.connected = false
                if code != 0 { state.lastFailure = reason }
                if state.unconnectedSince == nil { state.unconnectedSince = .now }
            }
            return state.connected
        }
        context.record(gauge: "mqttbridge_connected", 0)
        guard wasConnected, code != 0 else { return }
        context.report(degraded: true)
        context.logger.warning("connection to the broker lost; reconnecting", metadata: ["reason": "\(reason)"])
        alarm { $0.raise("broker_unreachable", severity: .warning, "connection to the broker lost: \(reason)") }
    }

    private func acknowledged(_ mid: Int32) {
        let (wakePump, status) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            if let id = state.inflight.removeValue(forKey: mid) {
                state.acknowledged.append(id)
                return (state.inflight.count == settings.inflightLimit - 1, nil)
            }
            guard state.statusMid == mid else { return (false, nil) }
            state.statusMid = nil
            defer { state.statusAcknowledged = nil }
            return (false, state.statusAcknowledged)
        }
        status?.resume()
        if wakePump { wake.yield() }
    }

    // MARK: In

    private func receive(topic: String, payload: [UInt8]) async {
        guard let route = settings.routing.inboundRoute(of: topic) else { return refuse(.unmapped, route: nil, topic: topic) }
        let message: BridgeMessage
        do {
            message = try BridgeMessage(bytes: payload)
        } catch {
            return refuse(.malformed, route: route.name, topic: topic, detail: "\(error)")
        }
        switch settings.routing.incoming(message, route: route) {
        case .refuse(let reason, let name):
            refuse(reason, route: name, topic: topic)
        case .publish(let event, let name):
            if let seq = message.seq, isDuplicate(ReceivedKey(origin: message.origin, epoch: message.epoch), seq) {
                return refuse(.duplicate, route: name, topic: topic)
            }
            do {
                try await context.publish(event)
                context.increment(counter: "mqttbridge_messages_in_total", labels: ["route": name])
            } catch {
                refuse(.refusedByHost, route: name, topic: topic, detail: "\(error)")
            }
        }
    }

    private func isDuplicate(_ key: ReceivedKey, _ seq: Int64) -> Bool {
        state.withLock { state in
            if let last = state.received[key], seq <= last { return true }
            state.received[key] = seq
            state.unsaved[key] = seq
            return false
        }
    }

    private func refuse(_ reason: InboundRefusal, route: String?, topic: String, detail: String? = nil) {
        context.increment(counter: "mqttbridge_refused_total", labels: ["route": route ?? "none", "reason": reason.rawValue])
        guard reason != .duplicate && reason != .echo else { return }
        var metadata: Logger.Metadata = ["topic": "\(topic)", "reason": "\(reason.rawValue)"]
        if let detail { metadata["detail"] = "\(detail)" }
        context.logger.warning("broker message refused", metadata: metadata)
    }

    // MARK: Status and bookkeeping

    /// Publishes the alarm `update` returns (raised or cleared for the first time).
    private func alarm(_ update: (inout AlarmSet) -> EnergyAlarm?) {
        if let alarm = state.withLock({ update(&$0.alarms) }) { context.publishAlarm(alarm) }
    }

    /// Publishes the retained status at QoS 1; returns its message id, nil when the client refused it.
    @discardableResult
    private func publishStatus(_ state: String, reason: String?) -> Int32? {
        try? client.publish(topic: settings.statusTopic, payload: BridgeStatus(gateway: settings.gatewayID, state: state, reason: reason).json(), qos: 1, retain: true)
    }

    /// Publishes the `offline`/`stopped` status and waits for the broker's acknowledgement, at most `limit`.
    private func publishStoppedStatus(waitingAtMost limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let published = state.withLock { state -> Bool in
                // Under the lock: the acknowledgement cannot be handled before it is awaited.
                guard let mid = publishStatus("offline", reason: "stopped") else { return false }
                state.statusMid = mid
                state.statusAcknowledged = continuation
                return true
            }
            guard published else { return continuation.resume() }
            Task {
                try? await ContinuousClock().sleep(until: deadline)
                self.state.withLock { state in
                    defer { state.statusAcknowledged = nil }
                    return state.statusAcknowledged
                }?.resume()
            }
        }
    }

    private func flushPeriodically() async {
        while !state.withLock({ $0.stopping }) {
            do {
                try await ContinuousClock().sleep(for: .milliseconds(100))
            } catch {
                return  // cancelled: run() flushes once more
            }
            await flush()
            alarmWhenNeverConnecting()
        }
    }

    /// A broker that cannot be reached at all (down at start, a wrong port, a TLS handshake
    /// refused) gives no signal of its own: libmosquitto retries quietly. After
    /// ``unreachableAfter`` without a connection, `broker_unreachable` is raised and logged once.
    private func alarmWhenNeverConnecting() {
        let failure = state.withLock { state -> String?? in
            guard !state.connected, let since = state.unconnectedSince, ContinuousClock.now - since >= Self.unreachableAfter,
                !state.alarms.isActive("broker_unreachable")
            else { return nil }
            return .some(state.lastFailure)
        }
        guard let failure else { return }
        let broker = "\(settings.client.host):\(settings.client.port)"
        let message = "no connection to \(broker) for \(Self.unreachableAfter)" + (failure.map { ": \($0)" } ?? "")
        context.logger.warning("the broker cannot be reached; retrying", metadata: ["broker": "\(broker)", "reason": "\(failure ?? "no answer")"])
        alarm { $0.raise("broker_unreachable", severity: .warning, message) }
    }

    /// How long without a connection before `broker_unreachable` is raised.
    static let unreachableAfter = Duration.seconds(10)

    /// Deletes the acknowledged items and saves the duplicate marks.
    private func flush() async {
        let (acknowledged, unsaved) = state.withLock { state in
            defer {
                state.acknowledged.removeAll()
                state.unsaved.removeAll()
            }
            return (state.acknowledged, state.unsaved)
        }
        do {
            try await ledger.outbox.markSent(acknowledged)
            try await ledger.saveReceived(unsaved)
            let depth = state.withLock { state -> Int? in
                state.depth -= acknowledged.count
                guard state.recordedDepth != state.depth else { return nil }
                state.recordedDepth = state.depth
                return state.depth
            }
            if let depth { context.record(gauge: "mqttbridge_outbox_depth", Double(depth)) }
        } catch {
            context.logger.error("bridge ledger not written", metadata: ["error": "\(error)"])
            state.withLock { state in
                state.acknowledged += acknowledged
                state.unsaved.merge(unsaved) { max($0, $1) }
            }
        }
    }
}

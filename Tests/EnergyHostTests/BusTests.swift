import AdapterKit
import EnergyHost
import Testing

@Suite struct BusTests {
    private func event(_ topic: String, _ index: Int = 0) -> Event {
        Event(topic: topic, kind: .measurement, time: EventTime(nanosecondsSinceEpoch: Int64(index)), payload: [UInt8(index & 0xFF)])
    }

    @Test(arguments: [
        ("sites/a/tic/measurements", "sites/a/tic/measurements", true),
        ("sites/a/tic/measurements", "sites/+/tic/measurements", true),
        ("sites/a/tic/measurements", "sites/+/+/measurements", true),
        ("sites/a/tic/measurements", "sites/#", true),
        ("sites/a/tic/measurements", "#", true),
        ("sites/a/tic/measurements", "sites/a/tic/measurements/#", true),
        ("sites/a/tic/measurements", "sites/+/measurements", false),
        ("sites/a/tic/measurements", "sites/b/#", false),
        ("sites/a/tic", "sites/a/tic/+", false),
        ("sites/a/tic/measurements/extra", "sites/+/tic/measurements", false),
        ("sites//x", "sites/+/x", true),
    ])
    func wildcards(topic: String, filter: String, matches: Bool) {
        #expect(Topic.matches(topic, filter: filter) == matches)
    }

    @Test func malformedFiltersAndTopicsAreRejected() {
        #expect(Topic.problem(in: "sites/#/x", isFilter: true) != nil)
        #expect(Topic.problem(in: "sites/a+/x", isFilter: true) != nil)
        #expect(Topic.problem(in: "sites/+/x", isFilter: false) != nil)
        #expect(Topic.problem(in: "", isFilter: true) != nil)
        #expect(Topic.problem(in: "sites/+/x/#", isFilter: true) == nil)
    }

    @Test func routesToEveryMatchingSubscriberOnceInOrder() async {
        let bus = EventBus()
        let all = SubscriberQueue(name: "all", capacity: 100)
        let tic = SubscriberQueue(name: "tic", capacity: 100)
        let none = SubscriberQueue(name: "none", capacity: 100)
        bus.subscribe(all, filter: "#", policy: .dropOldest)
        bus.subscribe(all, filter: "sites/+/tic/#", policy: .dropOldest)
        bus.subscribe(tic, filter: "sites/+/tic/measurements", policy: .dropOldest)
        bus.subscribe(none, filter: "sites/b/#", policy: .dropOldest)
        for index in 0..<10 {
            _ = bus.publish(event(index % 2 == 0 ? "sites/a/tic/measurements" : "sites/a/other/status", index))
        }
        #expect(await all.next(maxCount: 100)?.map(\.time.nanosecondsSinceEpoch) == Array(0..<10))
        #expect(await tic.next(maxCount: 100)?.map(\.time.nanosecondsSinceEpoch) == [0, 2, 4, 6, 8])
        #expect(none.statistics.enqueued == 0)
    }

    @Test func slowSubscriberLosesOnlyItsOwnOldestTelemetry() async {
        let bus = EventBus()
        let slow = SubscriberQueue(name: "slow", capacity: 4)
        let fast = SubscriberQueue(name: "fast", capacity: 1000)
        bus.subscribe(slow, filter: "sites/#", policy: .dropOldest)
        bus.subscribe(fast, filter: "sites/#", policy: .dropOldest)
        for index in 0..<10 { _ = bus.publish(event("sites/a/m/measurements", index)) }
        // The slow one keeps the 4 newest; the fast one lost nothing.
        #expect(await slow.next(maxCount: 100)?.map(\.time.nanosecondsSinceEpoch) == [6, 7, 8, 9])
        #expect(slow.statistics.dropped == 6)
        #expect(await fast.next(maxCount: 100)?.count == 10)
        #expect(fast.statistics.dropped == 0)
    }

    @Test func dropOldestNeverDropsQueuedLosslessEvents() async {
        let queue = SubscriberQueue(name: "mixed", capacity: 3)
        #expect(queue.enqueue(event("c", 1), policy: .lossless) == .enqueued)
        #expect(queue.enqueue(event("m", 2), policy: .dropOldest) == .enqueued)
        #expect(queue.enqueue(event("m", 3), policy: .dropOldest) == .enqueued)
        #expect(queue.enqueue(event("m", 4), policy: .dropOldest) == .droppedOldest)
        #expect(await queue.next(maxCount: 10)?.map(\.time.nanosecondsSinceEpoch) == [1, 3, 4])
        // A queue full of lossless events drops the incoming telemetry instead.
        for index in 0..<3 { _ = queue.enqueue(event("c", index), policy: .lossless) }
        #expect(queue.enqueue(event("m", 9), policy: .dropOldest) == .droppedIncoming)
        #expect(queue.statistics.dropped == 2)
    }

    @Test func losslessPressesBackAndRefusesAtTheHardLimitWithoutPartialDelivery() async {
        let bus = EventBus()
        let commands = SubscriberQueue(name: "commands", capacity: 2, hardLimit: 4)
        let recorder = SubscriberQueue(name: "recorder", capacity: 100)
        bus.subscribe(commands, filter: "sites/a/x/commands", policy: .lossless)
        bus.subscribe(recorder, filter: "#", policy: .dropOldest)
        let outcomes = (0..<5).map { bus.publish(event("sites/a/x/commands", $0)).outcome }
        #expect(outcomes == [.accepted, .accepted, .backpressure, .backpressure, .overloaded])
        // The refused event reached nobody, not even the telemetry subscriber.
        #expect(recorder.statistics.enqueued == 4)
        #expect(await commands.next(maxCount: 10)?.map(\.time.nanosecondsSinceEpoch) == [0, 1, 2, 3])
        #expect(commands.isBelowLowWatermark())
        #expect(commands.statistics.dropped == 0)
    }

    /// A flood on one subscription fills only that subscription's lane: the adapter's other
    /// subscriptions are neither dropped nor starved, and share every batch.
    @Test func aFloodedCommandLaneStarvesNoOtherSubscription() async {
        let bus = EventBus()
        let queue = SubscriberQueue(name: "interruptibility", capacity: 4)
        bus.subscribe(queue, filter: "sites/a/x/commands", policy: .lossless)
        bus.subscribe(queue, filter: "sites/a/+/measurements", policy: .dropOldest)
        var flooded = 0
        while bus.publish(command("sites/a/x/commands", source: "flooder")).outcome != .overloaded { flooded += 1 }
        #expect(flooded == 64)
        for index in 0..<3 { #expect(bus.publish(event("sites/a/f/measurements", index)).outcome == .accepted) }
        #expect(queue.statistics.dropped == 0)
        let batch = await queue.next(maxCount: 6) ?? []
        #expect(batch.filter { $0.kind == .measurement }.count == 3)
        #expect(batch.filter { $0.kind == .command }.count == 3)
    }

    /// An adapter's command stream accepts operators and the sources named for it; others are
    /// refused before anything is enqueued. Operators' commands have lanes of their own, so a
    /// named source's flood never refuses them.
    @Test func commandStreamsAcceptOnlyOperatorsAndNamedSources() async {
        let bus = EventBus()
        let queue = SubscriberQueue(name: "x", capacity: 2, hardLimit: 4)
        bus.subscribe(queue, filter: "sites/a/x/commands", policy: .lossless)
        bus.restrictCommands(to: "sites/a/x/commands", senders: ["ems"])
        let refused = bus.publish(command("sites/a/x/commands", source: "meter"))
        #expect(refused.outcome == .invalid && refused.forbiddenCommand)
        #expect(queue.statistics.enqueued == 0)
        while bus.publish(command("sites/a/x/commands", source: "ems")).outcome != .overloaded {}
        #expect(bus.publish(command("sites/a/x/commands", source: Event.operatorSource)).outcome == .accepted)
        // Another adapter's command stream is not restricted.
        #expect(bus.mayPublish(on: "sites/a/y/commands", source: "meter"))
        let batch = await queue.next(maxCount: 2) ?? []
        #expect(batch.map(\.source).contains(Event.operatorSource))
    }

    /// A bridged command is judged by its bridge (``Event/via``), never by the source it carries:
    /// claiming a named source or the operators' does not open a command stream.
    @Test func bridgedCommandsAreJudgedByTheirBridge() async {
        let bus = EventBus()
        let queue = SubscriberQueue(name: "x", capacity: 8)
        bus.subscribe(queue, filter: "sites/a/x/commands", policy: .lossless)
        bus.restrictCommands(to: "sites/a/x/commands", senders: ["ems", "mqtt-in"])
        var claimsNamed = command("sites/a/x/commands", source: "ems")
        claimsNamed.via = "mqtt"
        #expect(bus.publish(claimsNamed).forbiddenCommand)
        var claimsOperator = command("sites/a/x/commands", source: Event.operatorSource)
        claimsOperator.via = "mqtt"
        #expect(bus.publish(claimsOperator).forbiddenCommand)
        var allowed = command("sites/a/x/commands", source: "central-ems")
        allowed.via = "mqtt-in"
        #expect(bus.publish(allowed).outcome == .accepted)
        let batch = await queue.next(maxCount: 8) ?? []
        #expect(batch.map(\.source) == ["central-ems"])
    }

    private func command(_ topic: String, source: String) -> Event {
        Event(topic: topic, kind: .command, source: source, time: EventTime(nanosecondsSinceEpoch: 0), payload: [])
    }

    @Test(.timeLimit(.minutes(1))) func losslessNeverDropsUnderConcurrentPublishers() async throws {
        let bus = EventBus()
        let queue = SubscriberQueue(name: "acks", capacity: 64)
        bus.subscribe(queue, filter: "sites/+/+/acks", policy: .lossless)
        let publishers = 4
        let perPublisher = 20_000
        let received = await withTaskGroup(of: Int.self, returning: Int.self) { group in
            group.addTask {
                var count = 0
                var lastPerPublisher = [Int](repeating: -1, count: publishers)
                while count < publishers * perPublisher, let batch = await queue.next(maxCount: 512) {
                    for event in batch {
                        let publisher = Int(event.payload[0])
                        let index = Int(event.time.nanosecondsSinceEpoch)
                        precondition(index == lastPerPublisher[publisher] + 1, "FIFO per publisher broken")
                        lastPerPublisher[publisher] = index
                    }
                    count += batch.count
                }
                return count
            }
            for publisher in 0..<publishers {
                group.addTask {
                    var index = 0
                    while index < perPublisher {
                        let event = Event(topic: "sites/s/p\(publisher)/acks", kind: .commandAck,
                                          time: EventTime(nanosecondsSinceEpoch: Int64(index)), payload: [UInt8(publisher)])
                        switch bus.publish(event).outcome {
                        case .overloaded: await Task.yield()  // refused whole: retry the same event
                        default: index += 1
                        }
                    }
                    return 0
                }
            }
            return await group.reduce(0, +)
        }
        #expect(received == publishers * perPublisher)
        #expect(queue.statistics.dropped == 0)
    }

    @Test func consumerWaitsForEventsAndEndsWhenClosed() async {
        let queue = SubscriberQueue(name: "q", capacity: 10)
        async let first = queue.next(maxCount: 10)
        try? await Task.sleep(for: .milliseconds(20))
        _ = queue.enqueue(event("t", 1), policy: .dropOldest)
        #expect(await first?.count == 1)
        queue.close()
        #expect(queue.enqueue(event("t", 2), policy: .dropOldest) == .refused)
        #expect(await queue.next(maxCount: 10) == nil)
    }
}

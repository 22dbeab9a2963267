import EnergyInterruptibility
import Testing

/// The trigger in virtual time: samples every 200 ms, as a class A analyser sends them.
@Suite struct FrequencyTriggerTests {
    static let step = Duration.milliseconds(200)

    /// A trigger on `points`, started at 0, with the standard threshold unless told otherwise.
    static func trigger(
        points: [String] = ["a"], vote: VotePolicy = .majority, schedule: ThresholdSchedule? = nil,
        configure: (inout FrequencyTrigger.Settings) -> Void = { _ in }
    ) throws -> FrequencyTrigger {
        var settings = FrequencyTrigger.Settings(schedule: try schedule ?? ThresholdSchedule(), vote: vote)
        configure(&settings)
        return FrequencyTrigger(points: points, settings: settings, now: .zero)
    }

    /// Feeds each point's `frequency(point, time)` every 200 ms from `start` through `end`, at the
    /// sample's own time; returns every output. A nil frequency sends nothing for that point.
    static func run(
        _ trigger: inout FrequencyTrigger, from start: Duration = .zero, through end: Duration,
        _ frequency: (String, Duration) -> Int?
    ) -> [FrequencyTrigger.Output] {
        var outputs: [FrequencyTrigger.Output] = []
        var time = start
        while time <= end {
            for point in trigger.points {
                if let value = frequency(point, time) {
                    trigger.observe(FrequencySample(point: point, time: time, frequency: Millihertz(value)), now: time, into: &outputs)
                }
            }
            trigger.tick(now: time, into: &outputs)
            time += step
        }
        return outputs
    }

    static func trips(_ outputs: [FrequencyTrigger.Output]) -> [FrequencyTrigger.Trip] {
        outputs.compactMap { if case .tripped(let trip) = $0 { trip } else { nil } }
    }

    @Test func aDipOf2Point8SecondsDoesNotTripAndOf3SecondsDoes() throws {
        var short = try Self.trigger()
        let shortOutputs = Self.run(&short, through: .seconds(10)) { _, time in time <= .milliseconds(2800) ? 49_700 : 50_000 }
        #expect(Self.trips(shortOutputs).isEmpty)
        #expect(short.trip == nil)

        var long = try Self.trigger()
        let outputs = Self.run(&long, through: .seconds(10)) { _, time in time <= .seconds(3) ? 49_700 : 50_000 }
        let trips = Self.trips(outputs)
        #expect(trips.count == 1)
        #expect(trips.first?.time == .seconds(3))  // the sample that completes 3.000 s trips
        #expect(trips.first?.samples.count == 16)  // 0, 0.2 … 3.0 s: the samples that caused it
        #expect(trips.first?.threshold == Millihertz(49_820))
        #expect(long.trip == trips.first)  // held after the frequency came back
    }

    @Test func aSampleExactlyAtTheThresholdIsNotBelowIt() throws {
        var trigger = try Self.trigger()
        // Below from 0, exactly 49.820 Hz at 1.2 s (a reset), below again from 1.4 s.
        let outputs = Self.run(&trigger, through: .seconds(6)) { _, time in time == .milliseconds(1200) ? 49_820 : 49_819 }
        #expect(outputs.contains { if case .reset(let sample, _) = $0 { sample.time == .milliseconds(1200) } else { false } })
        #expect(Self.trips(outputs).map(\.time) == [.milliseconds(4400)])

        var atThreshold = try Self.trigger()
        #expect(Self.trips(Self.run(&atThreshold, through: .seconds(6)) { _, _ in 49_820 }).isEmpty)
    }

    @Test func invalidStaleAndOutOfOrderSamplesNeitherConfirmNorReset() throws {
        var trigger = try Self.trigger()
        var outputs: [FrequencyTrigger.Output] = []
        var time = Duration.zero
        while time <= .seconds(3) {
            trigger.observe(FrequencySample(point: "a", time: time, frequency: Millihertz(49_700)), now: time, into: &outputs)
            if time == .seconds(1) {
                // Between two valid samples: flagged invalid at 50 Hz, out of range, late, and stale.
                let bad = [
                    FrequencySample(point: "a", time: time + .milliseconds(50), frequency: Millihertz(50_000), isFlaggedValid: false),
                    FrequencySample(point: "a", time: time + .milliseconds(100), frequency: Millihertz(60_000)),
                    FrequencySample(point: "a", time: time + .milliseconds(20), frequency: Millihertz(50_000)),
                ]
                for sample in bad { trigger.observe(sample, now: time + .milliseconds(100), into: &outputs) }
                trigger.observe(FrequencySample(point: "a", time: time + .milliseconds(150), frequency: Millihertz(50_000)), now: time + .seconds(2), into: &outputs)
            }
            time += Self.step
        }
        let ignored = outputs.compactMap { if case .ignored(_, let reason) = $0 { reason } else { nil } }
        #expect(ignored == [.invalid, .invalid, .outOfOrder, .stale])
        #expect(!outputs.contains { if case .reset = $0 { true } else { false } })
        #expect(Self.trips(outputs).map(\.time) == [.seconds(3)])
    }

    @Test func aGapResetsThePickupAndIsReportedOnce() throws {
        var trigger = try Self.trigger()
        // Below throughout, but nothing between 1.0 s and 2.4 s (a gap of 1.4 s > 1 s).
        let outputs = Self.run(&trigger, through: .seconds(8)) { _, time in
            time > .seconds(1) && time < .milliseconds(2400) ? nil : 49_700
        }
        let gaps = outputs.filter { if case .gapStarted = $0 { true } else { false } }
        #expect(gaps == [.gapStarted(point: "a", since: .seconds(1), wasPickedUp: true)])
        #expect(outputs.contains(.gapEnded(point: "a", length: .milliseconds(1400))))
        // The pickup starts again at 2.4 s: the trip comes 3 s later, not at 3 s.
        #expect(Self.trips(outputs).map(\.time) == [.milliseconds(5400)])

        var silent = try Self.trigger()
        var silentOutputs: [FrequencyTrigger.Output] = []
        silent.tick(now: .seconds(5), into: &silentOutputs)
        silent.tick(now: .seconds(6), into: &silentOutputs)
        #expect(silentOutputs == [.gapStarted(point: "a", since: .zero, wasPickedUp: false)])  // never sent: a gap from the start
    }

    @Test func anAnalyserClockBehindTheHostsIsNoGapAndOneAheadBlindsNothing() throws {
        // Samples stamped 0.9 s behind the host's clock arrive every 200 ms: no gap, a trip on time.
        var behind = try Self.trigger()
        var outputs: [FrequencyTrigger.Output] = []
        var time = Duration.zero
        while time <= .seconds(4) {
            behind.observe(FrequencySample(point: "a", time: time, frequency: Millihertz(49_700)), now: time + .milliseconds(900), into: &outputs)
            behind.tick(now: time + .milliseconds(950), into: &outputs)
            time += Self.step
        }
        #expect(!outputs.contains { if case .gapStarted = $0 { true } else { false } })
        #expect(Self.trips(outputs).map(\.time) == [.seconds(3)])

        // One sample stamped an hour ahead is refused; the samples after it still count.
        var ahead = try Self.trigger()
        outputs = []
        ahead.observe(FrequencySample(point: "a", time: .seconds(3600), frequency: Millihertz(50_000)), now: .zero, into: &outputs)
        #expect(outputs.count == 1 && outputs.first.map { if case .ignored(_, .future) = $0 { true } else { false } } == true)
        outputs += Self.run(&ahead, through: .seconds(4)) { _, _ in 49_700 }
        #expect(Self.trips(outputs).map(\.time) == [.seconds(3)])
    }

    @Test func oneFaultyPointOutOfThreeNeitherTripsNorBlocksUnderMajority() throws {
        // `c` is stuck low: alone it does not trip.
        var stuckLow = try Self.trigger(points: ["a", "b", "c"])
        #expect(Self.trips(Self.run(&stuckLow, through: .seconds(10)) { point, _ in point == "c" ? 47_000 : 50_000 }).isEmpty)

        // `c` is stuck high, or silent: `a` and `b` still trip on time.
        for faulty in [50_000, nil] as [Int?] {
            var trigger = try Self.trigger(points: ["a", "b", "c"])
            let outputs = Self.run(&trigger, through: .seconds(6)) { point, _ in point == "c" ? faulty : 49_700 }
            let trip = try #require(Self.trips(outputs).first)
            #expect(trip.time == .seconds(3))
            #expect(trip.points == ["a", "b"])
        }

        // Under `all`, the faulty point blocks (the policy the site chose); under `any`, it trips alone.
        var all = try Self.trigger(points: ["a", "b", "c"], vote: .all)
        #expect(Self.trips(Self.run(&all, through: .seconds(6)) { point, _ in point == "c" ? 50_000 : 49_700 }).isEmpty)
        var any = try Self.trigger(points: ["a", "b", "c"], vote: .any)
        #expect(Self.trips(Self.run(&any, through: .seconds(6)) { point, _ in point == "c" ? 47_000 : 50_000 }).count == 1)
    }

    @Test func aScheduledThresholdChangeAppliesAtItsDate() throws {
        let schedule = try ThresholdSchedule(changes: [.init(effective: .seconds(100), threshold: Millihertz(49_800))])
        #expect(schedule.threshold(at: .seconds(99)) == Millihertz(49_820))
        #expect(schedule.threshold(at: .seconds(100)) == Millihertz(49_800))

        // 49.810 Hz is below 49.820 before the date, not below 49.800 after it.
        var before = try Self.trigger(schedule: schedule)
        #expect(Self.trips(Self.run(&before, from: .seconds(90), through: .seconds(95)) { _, _ in 49_810 }).map(\.threshold) == [Millihertz(49_820)])
        var after = try Self.trigger(schedule: schedule)
        var outputs = Self.run(&after, from: .seconds(100), through: .seconds(110)) { _, _ in 49_810 }
        #expect(Self.trips(outputs).isEmpty)
        // A dip that spans the date: picked up under the old threshold, reset by the new one.
        var spanning = try Self.trigger(schedule: schedule)
        outputs = Self.run(&spanning, from: .seconds(98), through: .seconds(104)) { _, _ in 49_810 }
        #expect(Self.trips(outputs).isEmpty)
        #expect(outputs.contains { if case .reset(let sample, let threshold) = $0 { sample.time == .seconds(100) && threshold == Millihertz(49_800) } else { false } })

        #expect(throws: ThresholdSchedule.Problem.notAStep(Millihertz(49_830))) { try ThresholdSchedule(initial: Millihertz(49_830)) }
        #expect(throws: ThresholdSchedule.Problem.outOfRange(Millihertz(60_000))) {
            try ThresholdSchedule(changes: [.init(effective: .zero, threshold: Millihertz(60_000))])
        }
    }

    @Test func aTripIsHeldUntilRestoredAndTheTriggerThenRearms() throws {
        var trigger = try Self.trigger()
        var outputs = Self.run(&trigger, through: .seconds(10)) { _, time in time <= .seconds(3) || time >= .seconds(6) ? 49_700 : 50_000 }
        #expect(Self.trips(outputs).count == 1)  // the second dip, while held, trips nothing more
        let held = try #require(trigger.trip)
        #expect(trigger.restore() == held)
        #expect(trigger.trip == nil)
        #expect(trigger.restore() == nil)
        // Still low: a new confirmation from the next sample.
        outputs = Self.run(&trigger, from: .milliseconds(10_200), through: .seconds(14)) { _, _ in 49_700 }
        #expect(Self.trips(outputs).map(\.time) == [.milliseconds(13_200)])

        var restarted = try Self.trigger()
        restarted.resume(held)
        #expect(Self.trips(Self.run(&restarted, through: .seconds(5)) { _, _ in 49_700 }).isEmpty)
        #expect(restarted.trip == held)
    }

    @Test func millihertzAreExact() {
        #expect(Millihertz(hertz: 49.82) == Millihertz(49_820))
        #expect(Millihertz(hertz: 49.8199) == Millihertz(49_820))
        #expect(Millihertz(hertz: .nan) == nil)
        #expect(Millihertz(49_820).description == "49.820 Hz")
        #expect(Millihertz(50_005).description == "50.005 Hz")
        #expect(VotePolicy.majority.trips(confirmed: 2, of: 3) && !VotePolicy.majority.trips(confirmed: 1, of: 3))
        #expect(!VotePolicy.majority.trips(confirmed: 1, of: 2) && VotePolicy.majority.trips(confirmed: 1, of: 1))
    }
}

/// The 3-second rule on jittered arrival times, and analysers whose clocks are off the host's.
@Suite struct FrequencyTriggerTimingTests {
    /// Feeds `count` samples below the threshold, nominally 200 ms apart from 0, each stamped and
    /// arriving at its nominal time plus `jitter(index)`; returns the outputs.
    static func dip(count: Int, jitter: (Int) -> Duration, offset: Duration = .zero) throws -> [FrequencyTrigger.Output] {
        var trigger = try FrequencyTriggerTests.trigger()
        var outputs: [FrequencyTrigger.Output] = []
        for index in 0..<count {
            let time = FrequencyTriggerTests.step * index + jitter(index)
            trigger.observe(FrequencySample(point: "a", time: time - offset, frequency: Millihertz(49_700)), now: time, into: &outputs)
        }
        return outputs
    }

    @Test func anExactlyThreeSecondDipTripsOnItsLastSampleWhateverTheJitter() throws {
        // 16 samples span 3.0 s nominally: the last one early and the first one late by up to 10 ms each.
        for (first, last) in [(0, 0), (10, -10), (0, -1), (1, 0), (10, 0), (0, -10), (-5, 5)] {
            let outputs = try Self.dip(count: 16) { index in
                index == 0 ? .milliseconds(first) : index == 15 ? .milliseconds(last) : .microseconds((index * 7919) % 9000 - 4500)
            }
            #expect(FrequencyTriggerTests.trips(outputs).count == 1, "first \(first) ms, last \(last) ms")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let jitters = (0..<16).map { _ in Duration.microseconds(Int.random(in: -9_000...9_000, using: &generator)) }
            #expect(FrequencyTriggerTests.trips(try Self.dip(count: 16) { jitters[$0] }).count == 1, "\(jitters)")
        }
    }

    @Test func aDipNominallyTwoPointEightSecondsLongNeverTrips() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            // 15 samples: 2.8 s; the first early and the last late by up to 10 ms still make 2.82 s.
            let jitters = (0..<15).map { _ in Duration.microseconds(Int.random(in: -10_000...10_000, using: &generator)) }
            #expect(FrequencyTriggerTests.trips(try Self.dip(count: 15) { jitters[$0] }).isEmpty, "\(jitters)")
        }
    }

    @Test func anAnalyserClockFarOffTheHostsStillTripsOnTimeAndIsAlarmed() throws {
        for offset in [Duration.seconds(5), .seconds(-30), .seconds(3600), .milliseconds(-1500)] {
            // Stamped `offset` behind the host's clock (negative: ahead), 5 ms of transport jitter.
            let outputs = try Self.dip(count: 20, jitter: { .milliseconds(($0 * 37) % 5) }, offset: offset)
            let trips = FrequencyTriggerTests.trips(outputs)
            #expect(trips.count == 1, "offset \(offset)")
            // The first samples are judged on the host's clock until the offset is known (3 samples).
            #expect(trips.first?.time == .milliseconds(3400) + .milliseconds((17 * 37) % 5) - offset, "offset \(offset)")
            #expect(outputs.filter { if case .clockOffset = $0 { true } else { false } }.count == 1, "offset \(offset)")
            #expect(!outputs.contains { if case .refusing = $0 { true } else { false } }, "offset \(offset)")
        }
        let close = try Self.dip(count: 20, jitter: { _ in .zero }, offset: .milliseconds(300))
        #expect(FrequencyTriggerTests.trips(close).first?.time == .seconds(3) - .milliseconds(300))
        #expect(!close.contains { if case .clockOffset = $0 { true } else { false } })
    }

    @Test func samplesRefusedForMoreThanASecondAreReportedOnceAndTheirEnd() throws {
        var trigger = try FrequencyTriggerTests.trigger()
        var outputs: [FrequencyTrigger.Output] = []
        for index in 0..<20 {
            let time = FrequencyTriggerTests.step * index
            // Flagged invalid from 0.4 s to 2.0 s (9 samples), valid again after.
            let valid = index < 2 || index > 10
            trigger.observe(FrequencySample(point: "a", time: time, frequency: Millihertz(50_000), isFlaggedValid: valid), now: time, into: &outputs)
        }
        let refusing = outputs.compactMap { if case .refusing(let point, let since, let count, let reason) = $0 { (point, since, count, reason) } else { nil } }
        #expect(refusing.count == 1)
        #expect(refusing.first?.0 == "a" && refusing.first?.1 == .milliseconds(400) && refusing.first?.2 == 7 && refusing.first?.3 == .invalid)
        #expect(outputs.contains(.refusingEnded(point: "a", count: 9)))
    }
}

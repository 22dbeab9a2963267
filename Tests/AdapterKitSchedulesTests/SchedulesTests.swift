import AdapterKit
import AdapterKitSchedules
import AdapterKitTesting
import Synchronization
import Testing

/// The time block: Paris days of 92, 96 and 100 quarter-hours, wall-clock periods, and a fixed
/// cadence on a manual clock that skips the slots it missed.
@Suite struct SchedulesTests {
    private func time(_ text: String) -> EventTime { RFC3339.parse(text)! }

    @Test(arguments: [
        (2026, 3, 29, 92, 23),  // summer time starts
        (2026, 10, 25, 100, 25),  // summer time ends
        (2026, 6, 15, 96, 24),
        (2025, 3, 30, 92, 23),
        (2024, 10, 27, 100, 25),
        (2026, 1, 1, 96, 24),
    ])
    func parisDaysHaveTheirQuarterHours(year: Int, month: Int, day: Int, quarters: Int, hours: Int) throws {
        let paris = try #require(ParisDay(year: year, month: month, day: day))
        #expect(paris.quarterHours.count == quarters)
        #expect(paris.length == .seconds(hours * 3600))
        #expect(paris.quarterHours.first?.lowerBound == paris.start)
        #expect(paris.quarterHours.last?.upperBound == paris.end)
    }

    @Test func parisDaysStartAtLocalMidnight() throws {
        #expect(try #require(ParisDay(year: 2026, month: 1, day: 15)).start == time("2026-01-14T23:00:00Z"))
        #expect(try #require(ParisDay(year: 2026, month: 7, day: 15)).start == time("2026-07-14T22:00:00Z"))
        // The day summer time starts: midnight is still winter time, the next midnight summer time.
        let spring = try #require(ParisDay(year: 2026, month: 3, day: 29))
        #expect(spring.start == time("2026-03-28T23:00:00Z") && spring.end == time("2026-03-29T22:00:00Z"))
        #expect(ParisDay(containing: time("2026-03-29T21:59:59Z")) == spring)
        #expect(ParisDay(containing: time("2026-03-29T22:00:00Z")) == spring.next)
        #expect(ParisDay(containing: time("2026-12-31T23:30:00Z")) == ParisDay(year: 2027, month: 1, day: 1))
        #expect(ParisDay(year: 2026, month: 2, day: 29) == nil)
    }

    @Test func theOffsetFollowsTheEURule() {
        #expect(ParisTime.utcOffsetHours(at: time("2026-03-29T00:59:59Z").seconds) == 1)
        #expect(ParisTime.utcOffsetHours(at: time("2026-03-29T01:00:00Z").seconds) == 2)
        #expect(ParisTime.utcOffsetHours(at: time("2026-10-25T00:59:59Z").seconds) == 2)
        #expect(ParisTime.utcOffsetHours(at: time("2026-10-25T01:00:00Z").seconds) == 1)
    }

    @Test func periodsAlignOnTheWallClock() {
        let quarter = AlignedPeriod(length: .seconds(900))
        let period = quarter.period(containing: time("2026-05-04T10:07:31.5Z"))
        #expect(period == time("2026-05-04T10:00:00Z")..<time("2026-05-04T10:15:00Z"))
        #expect(quarter.nextBoundary(after: time("2026-05-04T10:15:00Z")) == time("2026-05-04T10:30:00Z"))
        #expect(quarter.periods(from: time("2026-05-04T10:07:00Z"), to: time("2026-05-04T11:00:00Z")).count == 3)
    }

    @Test func aFixedCadenceRunsOnTheInjectedClockAndSkipsMissedSlots() async throws {
        let clock = ManualClock()
        let cadence = FixedCadence(interval: .seconds(2), startingAt: clock.now.advanced(by: .seconds(1)))
        let slots = Slots()
        let running = Task {
            try await cadence.run(on: clock) { slot in
                slots.append(slot.offset)
                // The third slot's work takes 5 s: the slots at 7 and 9 s are missed.
                if slot.offset == .seconds(5) { try await clock.sleep(for: .seconds(5)) }
            }
        }
        for _ in 0..<14 {
            try await clock.waitForSleepers(1)
            await clock.advance(by: .seconds(1))
        }
        running.cancel()
        _ = try await running.value
        #expect(slots.all == [.seconds(1), .seconds(3), .seconds(5), .seconds(11), .seconds(13)])
        #expect(cadence.slot(after: clock.now, now: clock.now.advanced(by: .seconds(5))) == clock.now.advanced(by: .seconds(6)))
    }

    final class Slots: Sendable {
        private let list = Mutex<[Duration]>([])
        func append(_ value: Duration) { list.withLock { $0.append(value) } }
        var all: [Duration] { list.withLock { $0 } }
    }
}

extension EventTime {
    var seconds: Int64 { nanosecondsSinceEpoch / 1_000_000_000 }
}

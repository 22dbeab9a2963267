import AdapterKit
import AdapterKitSchedules
@testable import EnergySmartOA
import Testing

@Suite struct OrderBookTests {
    static let base = EventTime(nanosecondsSinceEpoch: 1_775_000_000_000_000_000)

    static func at(_ minutes: Int) -> EventTime {
        EventTime(sinceEpoch: base.sinceEpoch + .seconds(60 * minutes))
    }

    static func order(_ id: String, _ start: Int, _ end: Int, stop: Bool = true, version: Int64 = 1, cancelled: Bool = false) -> CurtailmentOrder {
        CurtailmentOrder(curtailmentID: id, contractID: "C", start: at(start), end: at(end), stop: stop, version: version,
                         status: cancelled ? .cancelled : .active)
    }

    @Test func theHighestVersionWinsWhateverTheOrderOfArrival() {
        var book = OrderBook()
        let applied = [
            book.apply(Self.order("A", 0, 30, version: 2)), book.apply(Self.order("A", 0, 60, version: 1)),
            book.apply(Self.order("A", 0, 60, version: 2)),
        ]
        #expect(applied == [true, false, false])
        #expect(book.stopPeriods(of: "C") == [Self.at(0)..<Self.at(30)])
        let newer = book.apply(Self.order("A", 10, 40, version: 3))
        #expect(newer)
        #expect(book.stopPeriods(of: "C") == [Self.at(10)..<Self.at(40)])
    }

    @Test func noOrderAnOrderAtZeroOrACancelledOrderMeansNoStop() {
        var book = OrderBook()
        #expect(book.stopPeriod(of: "C", at: Self.at(5)) == nil)
        book.apply(Self.order("A", 0, 30, stop: false))
        book.apply(Self.order("B", 0, 30, cancelled: true))
        #expect(book.stopPeriods(of: "C").isEmpty)
        #expect(book.effectiveOrders(of: "C").map(\.curtailmentID) == ["A"])
        book.apply(Self.order("B", 0, 30, version: 2))
        #expect(book.stopPeriod(of: "C", at: Self.at(5)) == Self.at(0)..<Self.at(30))
        book.apply(Self.order("B", 0, 30, version: 3, cancelled: true))
        #expect(book.stopPeriod(of: "C", at: Self.at(5)) == nil)
    }

    @Test func adjacentAndOverlappingStopsAreOnePeriodAndGapsStayGaps() {
        var book = OrderBook()
        book.apply(Self.order("A", 0, 15))
        book.apply(Self.order("B", 15, 30))
        book.apply(Self.order("C", 20, 45))
        book.apply(Self.order("D", 60, 75))
        #expect(book.stopPeriods(of: "C") == [Self.at(0)..<Self.at(45), Self.at(60)..<Self.at(75)])
        #expect(book.nextChange(of: "C", after: Self.at(10)) == Self.at(45))
        #expect(book.nextChange(of: "C", after: Self.at(45)) == Self.at(60))
        #expect(book.nextChange(of: "C", after: Self.at(75)) == nil)
    }

    /// The last Sunday of March (92 quarter-hours) and of October (100): a stop on every
    /// quarter-hour of the day is one period from local midnight to local midnight, 23 h and 25 h
    /// long; every other quarter-hour gives 46 and 50 periods of exactly 15 minutes.
    @Test(arguments: [(2026, 3, 29, 92), (2026, 10, 25, 100)])
    func daylightSavingDaysHaveNoGapNorOverlap(year: Int, month: Int, day: Int, quarters: Int) throws {
        let paris = try #require(ParisDay(year: year, month: month, day: day))
        let slots = paris.quarterHours
        #expect(slots.count == quarters)
        var every = OrderBook(), alternate = OrderBook()
        for (index, slot) in slots.enumerated() {
            let order = CurtailmentOrder(curtailmentID: "Q\(index)", contractID: "C", start: slot.lowerBound, end: slot.upperBound,
                                         stop: true, version: 1, status: .active)
            every.apply(order)
            var other = order
            other.stop = index.isMultiple(of: 2)
            alternate.apply(other)
        }
        #expect(every.stopPeriods(of: "C") == [paris.start..<paris.end])
        #expect(paris.length == .seconds(quarters * 900))
        let periods = alternate.stopPeriods(of: "C")
        #expect(periods.count == quarters / 2)
        #expect(periods.allSatisfy { $0.upperBound.sinceEpoch - $0.lowerBound.sinceEpoch == .seconds(900) })
        #expect(zip(periods, periods.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound })
    }

    @Test func endedOrdersAreForgotten() {
        var book = OrderBook()
        book.apply(Self.order("A", 0, 15))
        book.apply(Self.order("B", 60, 75))
        book.forget(endedBefore: Self.at(30))
        #expect(book.effectiveOrders(of: "C").map(\.curtailmentID) == ["B"])
    }
}

@Suite struct PlantCommandDecisionTests {
    let period = OrderBookTests.at(0)..<OrderBookTests.at(30)

    @Test func curtailsAtAStopAndReleasesAfterItOnly() {
        #expect(PlantCommandDecision.next(lastAction: nil, stopPeriod: period) == .curtail(period))
        #expect(PlantCommandDecision.next(lastAction: "release", stopPeriod: period) == .curtail(period))
        #expect(PlantCommandDecision.next(lastAction: "curtail", stopPeriod: period) == nil)
        #expect(PlantCommandDecision.next(lastAction: "curtail", stopPeriod: nil) == .release)
        #expect(PlantCommandDecision.next(lastAction: "release", stopPeriod: nil) == nil)
        #expect(PlantCommandDecision.next(lastAction: nil, stopPeriod: nil) == nil, "no order, no command: never invent a stop nor a release")
    }
}

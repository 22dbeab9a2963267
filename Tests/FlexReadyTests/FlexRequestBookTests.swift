import EnergyFlexReady
import Testing

@Suite struct FlexRequestBookTests {
    typealias Fixture = FlexRequestEvaluatorTests
    static let bacs = "a987fbc9-4bed-4078-9f07-9141ba07c9f3"
    static let levelTwo = FlexRequestEvaluator(level: .two)
    static let fits = Fixture.request(kW: 80, "2025-04-02T10:00:00", "2025-04-02T10:02:00", price: 50)
    static let now = Fixture.before

    static func confirmation(of request: FlexRequestBody) -> FlexRequestBody {
        var body = request
        body.requestID = nil
        return body
    }

    static func ask(_ book: inout FlexRequestBook, _ body: FlexRequestBody, at now: FlexTime = now) throws -> FlexRequestBook.Asked {
        let asked = try book.ask(body, bacsID: bacs, assetID: "WholeBuilding", asset: Fixture.building, evaluator: levelTwo, now: now)
        if case .new(let entry) = asked { book.record(entry) }
        return asked
    }

    @Test func aRetryGetsTheFirstAnswerAndAReusedIDWithAnotherBodyIsRefused() throws {
        var book = FlexRequestBook()
        guard case .new(let first) = try Self.ask(&book, Self.fits) else { Issue.record("not new"); return }
        #expect(first.decision == .accepted)
        #expect(try Self.ask(&book, Self.fits, at: Self.now.adding(seconds: 5)) == .repeated(first))
        var other = Self.fits
        other.power[0].power.value = 40
        #expect(throws: FlexRequestEvaluator.BusinessError(problems: [#"requestID: "req-1" was already used for another request"#])) {
            try Self.ask(&book, other)
        }
        // The same id at another BACS is another request.
        let elsewhere = try book.ask(Self.fits, bacsID: "f47ac10b-58cc-4372-a567-0e02b2c3d479", assetID: "WholeBuilding",
                                     asset: Fixture.building, evaluator: Self.levelTwo, now: Self.now)
        guard case .new = elsewhere else { Issue.record("\(elsewhere)"); return }
    }

    @Test func theDaysActivationsAreUsedUpByAcceptedRequests() throws {
        var book = FlexRequestBook()
        _ = try Self.ask(&book, Self.fits)
        var second = Self.fits
        second.requestID = "req-2"
        second.power[0].start = Fixture.time("2025-04-02T11:00:00")
        second.power[0].end = Fixture.time("2025-04-02T11:01:00")
        guard case .new(let entry) = try Self.ask(&book, second) else { Issue.record("not new"); return }
        #expect(entry.decision == .refused(reason: "the asset's activations for the day are used up (1)"))
        #expect(book.activations(bacsID: Self.bacs, assetID: "WholeBuilding", day: Fixture.time("2025-04-02T00:00:00").dayNumber) == 1)
    }

    @Test func confirmationsFollowTheirRequest() throws {
        var book = FlexRequestBook()
        _ = try Self.ask(&book, Self.fits)
        let confirmation = Self.confirmation(of: Self.fits)
        #expect(throws: FlexRequestBook.ConfirmationError.unknownRequest("nope")) {
            try book.confirm(confirmation, requestID: "nope", bacsID: Self.bacs, assetID: "WholeBuilding", level: .two, now: Self.now)
        }
        #expect(throws: FlexRequestBook.ConfirmationError.unknownRequest("req-1")) {
            try book.confirm(confirmation, requestID: "req-1", bacsID: Self.bacs, assetID: "IRVE", level: .two, now: Self.now)
        }
        var wrongProduct = confirmation
        wrongProduct.flexProduct = .wholesaleDayAhead
        #expect(throws: FlexRequestBook.ConfirmationError.notConfirmable("flexProduct: the request was for WID, not WDA")) {
            try book.confirm(wrongProduct, requestID: "req-1", bacsID: Self.bacs, assetID: "WholeBuilding", level: .two, now: Self.now)
        }
        let late = Self.now.adding(seconds: 3601)
        #expect(throws: FlexRequestBook.ConfirmationError.notConfirmable("the confirmation deadline passed (an hour after the answer, 2025-04-01T08:00:00)")) {
            try book.confirm(confirmation, requestID: "req-1", bacsID: Self.bacs, assetID: "WholeBuilding", level: .two, now: late)
        }
        // Level 1 has no deadline; level 2 within the hour is confirmed, and again answers the same.
        guard case .new = try book.confirm(confirmation, requestID: "req-1", bacsID: Self.bacs, assetID: "WholeBuilding", level: .one, now: late)
        else { Issue.record("level 1 refused a late confirmation"); return }
        let onTime = Self.now.adding(seconds: 3600)
        guard case .new(let confirmed) = try book.confirm(confirmation, requestID: "req-1", bacsID: Self.bacs, assetID: "WholeBuilding", level: .two, now: onTime)
        else { Issue.record("not confirmed"); return }
        #expect(confirmed.confirmedAt == onTime)
        book.record(confirmed)
        #expect(try book.confirm(confirmation, requestID: "req-1", bacsID: Self.bacs, assetID: "WholeBuilding", level: .two, now: late) == .repeated(confirmed))
    }

    @Test func aRefusedRequestCannotBeConfirmed() throws {
        var book = FlexRequestBook()
        let unpriced = Fixture.request(kW: 80, "2025-04-02T10:00:00", "2025-04-02T10:02:00")
        _ = try Self.ask(&book, unpriced)
        #expect(throws: FlexRequestBook.ConfirmationError.notConfirmable("the request was refused (no askingPrice: this BACS is level 2)")) {
            try book.confirm(Self.confirmation(of: unpriced), requestID: "req-1", bacsID: Self.bacs, assetID: "WholeBuilding", level: .two, now: Self.now)
        }
    }

    @Test func theIntrusionAlarmRaisesAtTheFifthInvalidIDWithinTheWindowThenClears() {
        var watch = IntrusionWatch()
        func invalid(_ second: Int64) -> Bool { watch.invalidIdentifier(at: Self.now.adding(seconds: second)) }
        func clears(_ second: Int64) -> Bool { watch.clears(at: Self.now.adding(seconds: second)) }
        // Four, then a fifth after the first left the window: no alarm.
        let early = [0, 100, 200, 300, 600].map { invalid($0) }
        #expect(early == [false, false, false, false, false])
        // The fifth within ten minutes raises it, once; it clears after a quiet window.
        let later = [invalid(650), invalid(660), clears(1000), clears(1260), clears(1300)]
        #expect(later == [true, false, false, true, false])
    }
}

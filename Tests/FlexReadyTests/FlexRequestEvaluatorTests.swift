import EnergyFlexReady
import Testing

/// The evaluation of askFlex at levels 1 and 2, on the emulator's data set (seed, Annex 1).
@Suite struct FlexRequestEvaluatorTests {
    static func time(_ text: String) -> FlexTime { FlexTime(parsing: text)! }

    /// BACS 2's `WholeBuilding`: 80 kW, 2 minutes at most, once a day, 2025-04-02 10:00 to 12:00.
    static let building = FlexAsset(id: "WholeBuilding", flexProduct: .wholesaleIntraday, potentials: [
        FlexPotential(
            power: FloatQuantity(value: 80), mobilizationDelayMinutes: 1, maxDurationMinutes: 2,
            availability: .windows([.init(start: time("2025-04-02T10:00:00"), end: time("2025-04-02T12:00:00"))])
        ),
    ])
    static let before = time("2025-04-01T08:00:00")

    static func request(kW: Double, _ start: String, _ end: String, price: Double? = nil, product: FlexProduct = .wholesaleIntraday) -> FlexRequestBody {
        FlexRequestBody(
            requestID: "req-1", flexProduct: product,
            power: [PowerSlot(power: FloatQuantity(value: kW), start: time(start), end: time(end))], askingPrice: price
        )
    }

    static func evaluate(_ request: FlexRequestBody, level: FlexRequestEvaluator.Level, asset: FlexAsset? = building, minimumPrice: Double? = nil, used: Int = 0)
        throws(FlexRequestEvaluator.BusinessError) -> FlexRequestEvaluator.Decision
    {
        try FlexRequestEvaluator(level: level, minimumPrice: minimumPrice)
            .evaluate(request, assetID: "WholeBuilding", asset: asset, now: before, activationsOnDay: { _ in used })
    }

    @Test func levelTwoAcceptsARequestThatFitsThePotential() throws {
        let fits = Self.request(kW: 80, "2025-04-02T10:00:00", "2025-04-02T10:02:00", price: 50)
        #expect(try Self.evaluate(fits, level: .two) == .accepted)
        #expect(try Self.evaluate(fits, level: .one) == .receivedWithoutCommitment(warnings: []))
    }

    /// The seed's own example (80 kW for two hours) is outside BACS 1's potential: acknowledged
    /// with warnings at level 1, refused at level 2.
    @Test func theSeedsExampleIsAcknowledgedAtLevelOneAndRefusedAtLevelTwo() throws {
        let bacs1 = FlexAsset(id: "WholeBuilding", flexProduct: .wholesaleIntraday, potentials: [
            FlexPotential(power: FloatQuantity(value: 100), mobilizationDelayMinutes: 1, maxDurationMinutes: 2, availability: .windows([
                .init(start: Self.time("2025-04-02T12:00:00"), end: Self.time("2025-04-02T14:00:00")),
            ])),
        ])
        let example = Self.request(kW: 80, "2025-04-02T10:00:00", "2025-04-02T12:00:00", price: 50)
        #expect(try Self.evaluate(example, level: .one, asset: bacs1) == .receivedWithoutCommitment(warnings: [
            "outside the asset's activation periods", "longer than the asset's longest activation (2 min)",
        ]))
        #expect(try Self.evaluate(example, level: .two, asset: bacs1) == .refused(reason: "outside the asset's activation periods"))
    }

    @Test func levelTwoRefusesWithItsReason() throws {
        let fits = Self.request(kW: 80, "2025-04-02T10:00:00", "2025-04-02T10:02:00", price: 50)
        #expect(try Self.evaluate(Self.request(kW: 80, "2025-04-02T10:00:00", "2025-04-02T10:02:00"), level: .two)
            == .refused(reason: "no askingPrice: this BACS is level 2"))
        #expect(try Self.evaluate(fits, level: .two, minimumPrice: 60) == .refused(reason: "askingPrice 50.0 €/MWh is below 60.0 €/MWh"))
        #expect(try Self.evaluate(fits, level: .two, used: 1) == .refused(reason: "the asset's activations for the day are used up (1)"))
        #expect(try Self.evaluate(Self.request(kW: 80, "2025-04-02T10:00:00", "2025-04-02T10:02:01", price: 50), level: .two)
            == .refused(reason: "longer than the asset's longest activation (2 min)"))
        #expect(try Self.evaluate(Self.request(kW: 80, "2025-04-02T11:59:00", "2025-04-02T12:00:01", price: 50), level: .two)
            == .refused(reason: "outside the asset's activation periods"))
    }

    /// Above the potential: level 2 counter-proposes the potential, in the request's unit and
    /// multiplier; level 1 refuses it as the one volume check.
    @Test func aPowerAboveThePotentialIsCappedAtLevelTwoAndRefusedAtLevelOne() throws {
        var excessive = Self.request(kW: 0.12, "2025-04-02T10:00:00", "2025-04-02T10:02:00", price: 50)
        excessive.power[0].power.multiplier = .mega
        let decision = try Self.evaluate(excessive, level: .two)
        guard case .modified(let power) = decision else { Issue.record("\(decision)"); return }
        #expect(power == [PowerSlot(power: FloatQuantity(unit: "W", multiplier: .mega, value: 0.08), start: excessive.power[0].start, end: excessive.power[0].end)])
        #expect(decision.status == "modified")
        #expect(throws: FlexRequestEvaluator.BusinessError(problems: ["power[0].power: above the asset's potential (80000.0 W)"])) {
            try Self.evaluate(excessive, level: .one)
        }
    }

    @Test(arguments: [FlexRequestEvaluator.Level.one, .two])
    func impossibleRequestsAreBusinessErrorsAtEveryLevel(level: FlexRequestEvaluator.Level) {
        let cases: [(FlexRequestBody, FlexAsset?, String)] = [
            (Self.request(kW: 80, "2025-04-02T10:02:00", "2025-04-02T10:00:00", price: 50), Self.building, "power[0].end: 2025-04-02T10:00:00 is not after its start"),
            (Self.request(kW: 0, "2025-04-02T10:00:00", "2025-04-02T10:02:00", price: 50), Self.building, "power[0].power.value: the power must be positive"),
            (Self.request(kW: -5, "2025-04-02T10:00:00", "2025-04-02T10:02:00", price: 50), Self.building, "power[0].power.value: the power must be positive"),
            (Self.request(kW: 10, "2025-03-02T10:00:00", "2025-03-02T10:02:00", price: 50), Self.building, "entirely in the past"),
            (Self.request(kW: 10, "2025-04-02T10:00:00", "2025-04-02T10:02:00", price: 50, product: .wholesaleDayAhead), Self.building, "flexProduct: the asset WholeBuilding offers WID, not WDA"),
            (Self.request(kW: 10, "2025-04-02T10:00:00", "2025-04-02T10:02:00", price: 50), nil, "assetID: unknown asset \"WholeBuilding\""),
        ]
        for (request, asset, expected) in cases {
            do {
                let decision = try Self.evaluate(request, level: level, asset: asset)
                Issue.record("\(expected): answered \(decision)")
            } catch {
                #expect(error.problems.count == 1 && error.problems[0].contains(expected), "\(error.problems)")
            }
        }
    }

    /// The référentiel's recurring form: March, April and June, weekends, at 10:00 and 17:00 GMT.
    @Test func aRecurringPotentialAppliesOnItsMonthsWeekdaysAndHours() {
        let year = FlexPotential.YearPeriod(
            startDay: Self.time("2025-03-25T00:00:00").dayNumber, endDay: Self.time("2025-06-30T00:00:00").dayNumber)
        let potential = FlexPotential(power: FloatQuantity(value: 30), maxDurationMinutes: 60, availability: .recurring(
            year: year, months: [3, 4, 6], weekdays: [6, 7], hours: [10, 17]))
        #expect(potential.covers(from: Self.time("2025-04-05T10:00:00"), to: Self.time("2025-04-05T11:00:00")))  // a Saturday
        #expect(potential.covers(from: Self.time("2025-06-29T17:15:00"), to: Self.time("2025-06-29T17:45:00")))  // a Sunday
        #expect(!potential.covers(from: Self.time("2025-04-05T10:30:00"), to: Self.time("2025-04-05T11:30:00")))  // runs into 11:00
        #expect(!potential.covers(from: Self.time("2025-04-04T10:00:00"), to: Self.time("2025-04-04T11:00:00")))  // a Friday
        #expect(!potential.covers(from: Self.time("2025-05-03T10:00:00"), to: Self.time("2025-05-03T11:00:00")))  // May
        #expect(!potential.covers(from: Self.time("2025-03-22T10:00:00"), to: Self.time("2025-03-22T11:00:00")))  // before the period
        #expect(!potential.covers(from: Self.time("2025-04-05T10:00:00"), to: Self.time("2025-04-05T10:00:00")))  // empty
    }

    @Test func quantitiesConvertThroughWatts() {
        #expect(FloatQuantity(unit: "W", multiplier: .kilo, value: 80).watts == 80_000)
        #expect(FloatQuantity(watts: 80_000, like: FloatQuantity(unit: "W", multiplier: .mega, value: 1)).value == 0.08)
        #expect(FloatQuantity(watts: 1_500).multiplier == .kilo && FloatQuantity(watts: 1_500).value == 1.5)
        #expect(FloatQuantity.Multiplier(symbol: "u") == .micro && FloatQuantity.Multiplier(symbol: "") == FloatQuantity.Multiplier.none)
        #expect(FloatQuantity.Multiplier(symbol: "K") == nil)
    }
}

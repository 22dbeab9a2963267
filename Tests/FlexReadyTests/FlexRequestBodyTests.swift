import EnergyFlexReady
import Testing

@Suite struct FlexRequestBodyTests {
    static let seedExample = """
        {"requestID": "req-001", "flexProduct": "WID", "power": [
          {"power": {"unit": "W", "multiplier": "k", "value": 80.0}, "start": "2025-04-02T10:00:00", "end": "2025-04-02T12:00:00"}]}
        """

    @Test func theSeedsExampleIsRead() throws {
        let body = try FlexRequestBody.read(Array(Self.seedExample.utf8), withRequestID: true)
        #expect(body.requestID == "req-001")
        #expect(body.flexProduct == .wholesaleIntraday)
        #expect(body.power.count == 1)
        #expect(body.power[0].power.watts == 80_000)
        #expect(body.power[0].start.text == "2025-04-02T10:00:00" && body.power[0].end.text == "2025-04-02T12:00:00")
        #expect(body.askingPrice == nil)
    }

    @Test func aConfirmationHasNoRequestID() throws {
        let confirmation = """
            {"flexProduct": "WID", "askingPrice": 42.5, "power": [
              {"power": {"unit": "W", "multiplier": "M", "value": 0.08}, "start": "2025-04-02T10:00:00Z", "end": "2025-04-02T10:02:00Z"}]}
            """
        let body = try FlexRequestBody.read(Array(confirmation.utf8), withRequestID: false)
        #expect(body.requestID == nil && body.askingPrice == 42.5 && body.power[0].power.watts == 80_000)
        #expect(throws: FlexRequestBody.Malformed.self) { try FlexRequestBody.read(Array(Self.seedExample.utf8), withRequestID: false) }
    }

    /// Each bad body is refused, and every problem is named with its path.
    @Test(arguments: [
        ("{", ["invalid JSON"]),
        ("[]", ["(root): must be an object, not array"]),
        (#"{"requestID": "r", "flexProduct": "WID", "power": [], "extra": 1}"#, ["extra: is not a field", "power: must hold at least one step"]),
        (#"{"flexProduct": "XYZ", "power": 3}"#, ["requestID: is required", "flexProduct: \"XYZ\" is not a flex product", "power: must be an array, not integer"]),
        (#"{"requestID": "", "flexProduct": "WID", "power": [{"power": {"unit": "kW", "value": "80"}, "start": "2025-04-02", "end": 1, "x": null}]}"#,
         ["requestID: must not be empty", "power[0].x: is not a field", "power[0].power.unit: \"kW\" is not a unit of power",
          "power[0].power.value: must be a number, not string", "power[0].start: \"2025-04-02\" is not a date and time", "power[0].end: must be a string, not integer"]),
        (#"{"requestID": "r", "flexProduct": "WID", "askingPrice": "cheap", "power": [{"power": {"unit": "W", "multiplier": "x", "value": 1}, "start": "2025-04-02T10:00:00", "end": "2025-04-02T10:02:00"}]}"#,
         ["askingPrice: must be a number, not string", "power[0].power.multiplier: must be a multiplier symbol"]),
        (#"{"requestID": "r", "requestID": "s", "flexProduct": "WID", "power": []}"#, ["invalid JSON"]),
    ])
    func badBodiesAreRefusedWithEveryProblem(body: String, expected: [String]) {
        do {
            _ = try FlexRequestBody.read(Array(body.utf8), withRequestID: true)
            Issue.record("accepted: \(body)")
        } catch {
            for part in expected { #expect(error.problems.contains { $0.contains(part) }, "\(part) not in \(error.problems)") }
            #expect(error.problems.count == expected.count, "\(error.problems)")
        }
    }
}

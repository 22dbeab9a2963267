import AdapterKit
import Foundation
import Testing

@Suite struct EventJSONTests {
    static let time = EventTime(nanosecondsSinceEpoch: 1_768_464_000_250_000_000)  // 2026-01-15T08:00:00.25Z
    static let later = EventTime(nanosecondsSinceEpoch: 1_768_467_600_000_000_000)

    /// A payload of `kind` with every field set, and the keys its JSON form must have.
    static func sample(_ kind: EventKind) -> (payload: any EventPayload, keys: Set<String>)? {
        switch kind {
        case .measurement:
            var payload = EnergyMeasurement()
            payload.deviceID = "021861348497"
            payload.meterTime = time.timestamp
            payload.tariffPeriod = "HP"
            payload.values = [
                EnergyValue(.activeEnergyImport, 12_345_678, register: "total"),
                EnergyValue(.voltage, 231.5, phase: 2, valid: false),
            ]
            payload.raw = ["ADSC": "021861348497"]
            return (payload, ["device_id", "meter_time", "tariff_period", "values", "raw"])
        case .command:
            var payload = EnergyCommand()
            payload.id = "c-1"
            payload.target = "boiler"
            payload.action = "limit"
            payload.value = 0
            payload.unit = "W"
            payload.validFrom = time.timestamp
            payload.validUntil = later.timestamp
            payload.reason = "peak"
            return (payload, ["id", "target", "action", "value", "unit", "valid_from", "valid_until", "reason"])
        case .commandAck:
            var payload = EnergyCommandAck()
            payload.id = "c-1"
            payload.outcome = "executed"
            payload.detail = "done"
            return (payload, ["id", "outcome", "detail"])
        case .schedule:
            var order = EnergyScheduledOrder()
            order.start = time.timestamp
            order.end = later.timestamp
            order.action = "curtail"
            order.value = 1500
            order.unit = "W"
            var payload = EnergySchedule()
            payload.id = "s-1"
            payload.revision = 3
            payload.orders = [order]
            payload.reason = "tariff"
            return (payload, ["id", "revision", "orders", "reason"])
        case .flexRequest:
            var payload = EnergyFlexRequest()
            payload.id = "f-1"
            payload.start = time.timestamp
            payload.end = later.timestamp
            payload.direction = "down"
            payload.power = 2500.5
            payload.reason = "congestion"
            return (payload, ["id", "start", "end", "direction", "power", "reason"])
        case .flexConfirmation:
            var payload = EnergyFlexConfirmation()
            payload.requestID = "f-1"
            payload.accepted = true
            payload.power = 2000
            payload.detail = "partial"
            return (payload, ["request_id", "accepted", "power", "detail"])
        case .flexRealization:
            var payload = EnergyFlexRealization()
            payload.requestID = "f-1"
            payload.start = time.timestamp
            payload.end = later.timestamp
            payload.power = 1900
            payload.energy = 1900
            return (payload, ["request_id", "start", "end", "power", "energy"])
        case .tariffSignal:
            var payload = EnergyTariffSignal()
            payload.start = time.timestamp
            payload.end = later.timestamp
            payload.period = "TEMPO_ROUGE"
            payload.price = 0.7562
            payload.currency = "EUR"
            return (payload, ["start", "end", "period", "price", "currency"])
        case .alarm:
            var payload = EnergyAlarm()
            payload.severity = "critical"
            payload.code = "link_lost"
            payload.message = "no frame for \"30 s\"\n"
            payload.active = true
            return (payload, ["severity", "code", "message", "active"])
        case .status:
            var payload = EnergyStatus()
            payload.available = true
            payload.state = "running"
            payload.detail = "ok"
            return (payload, ["available", "state", "detail"])
        default:
            return nil
        }
    }

    static func event(_ payload: some EventPayload) throws -> Event {
        var event = try Event(topic: "sites/demo/meter/out", payload: payload, time: time)
        event.source = "meter"
        event.sequence = 42
        return event
    }

    @Test func everyRegisteredKindHasASample() {
        for kind in PayloadRegistry.types.keys {
            #expect(Self.sample(kind) != nil, "no sample for \(kind)")
        }
        #expect(PayloadRegistry.types.count == 10)
    }

    @Test(arguments: Array(PayloadRegistry.types.keys))
    func normalizedKindsRenderAsOneSnakeCaseLineAndParseBack(kind: EventKind) throws {
        let (payload, keys) = try #require(Self.sample(kind))
        let event = try Self.event(payload)
        #expect(event.kind == kind)
        let line = event.jsonLine()
        #expect(!line.contains("\n"))
        #expect(line.hasPrefix(
            #"{"topic":"sites/demo/meter/out","kind":"\#(kind.rawValue)","source":"meter","time":"2026-01-15T08:00:00.25Z","sequence":42,"payload":{"#
        ))
        let object = try #require(try JSONValue.parse(line).objectValue)
        #expect(Set(object.keys) == ["topic", "kind", "source", "time", "sequence", "payload"])
        let payloadObject = try #require(object["payload"]?.objectValue)
        #expect(Set(payloadObject.keys) == keys)
        #expect(try Event(jsonLine: line) == event)
    }

    @Test func nestedPayloadFieldsUseProtoNamesToo() throws {
        let (payload, _) = try #require(Self.sample(.measurement))
        let line = try Self.event(payload).jsonLine()
        let values = try #require(JSONValue.parse(line)["payload"]?["values"]?.arrayValue)
        #expect(values.count == 2)
        #expect(values[0]["quantity"] == .string("active_energy_import"))
        #expect(values[0]["register"] == .string("total"))
        #expect(values[0]["unit"] == .string("Wh"))
        #expect(values[0]["phase"] == nil)  // proto3 default omitted
        #expect(values[1]["phase"] == .number(2))
        #expect(values[1]["quality"] == .string("invalid"))
        #expect(!line.contains("deviceId") && !line.contains("meterTime") && !line.contains("tariffPeriod"))
    }

    @Test func mapsWithManyEntriesSurviveTheRoundTrip() throws {
        var payload = EnergyMeasurement()
        payload.raw = Dictionary(uniqueKeysWithValues: (0..<20).map { ("K\($0)", "v\($0)") })
        let parsed = try Event(jsonLine: try Self.event(payload).jsonLine())
        #expect(try parsed.decode(EnergyMeasurement.self) == payload)
    }

    @Test func unknownKindsRoundTripThroughBase64() throws {
        let event = Event(topic: "sites/demo/vendor/blob", kind: "vendor_blob", source: "v",
                          time: Self.time, sequence: 7, payload: [0, 1, 2, 255])
        let line = event.jsonLine()
        #expect(line.hasSuffix(#","payload_base64":"AAEC/w=="}"#))
        #expect(!line.contains(#""payload":"#))
        #expect(try Event(jsonLine: line) == event)
    }

    @Test func largeSequencesRoundTripExactly() throws {
        let event = Event(topic: "t/x", kind: "vendor", source: "s", time: Self.time,
                          sequence: 4_503_599_627_370_497, payload: [1])  // 2^52 + 1
        #expect(event.jsonLine().contains(#""sequence":4503599627370497,"#))
        #expect(try Event(jsonLine: event.jsonLine()) == event)
    }

    @Test func undecodablePayloadsOfKnownKindsFallBackToBase64() throws {
        let event = Event(topic: "sites/demo/x/m", kind: .measurement, time: Self.time, payload: [0xFF, 0xFF, 0xFF])
        let line = event.jsonLine()
        #expect(line.contains(#""payload_base64":"////""#))
        #expect(try Event(jsonLine: line) == event)
    }

    @Test func envelopeStringsAreEscaped() throws {
        let event = Event(topic: "sites/a \"quoted\"/\\x", kind: "k\"ind", source: "s\n1",
                          time: Self.time, payload: [])
        let line = event.jsonLine()
        #expect(!line.contains("\n"))
        #expect(try Event(jsonLine: line) == event)
    }

    @Test func theDocumentedExampleParsesAndRendersIdentically() throws {
        let line = #"{"topic":"sites/demo/meter/measurements","kind":"measurement","source":"meter","time":"2026-11-22T10:00:00.25Z","sequence":1,"payload":{"device_id":"meter","meter_time":"2026-01-15T08:00:00Z","values":[{"quantity":"active_power_import","value":42000.0,"unit":"W","quality":"valid"},{"quantity":"reactive_power","value":7500.0,"unit":"var","quality":"valid"},{"quantity":"voltage","value":231.0,"unit":"V","phase":1,"quality":"valid"},{"quantity":"current","value":60.61,"unit":"A","phase":1,"quality":"valid"},{"quantity":"frequency","value":50.0,"unit":"Hz","quality":"valid"}]}}"#
        let event = try Event(jsonLine: line)
        #expect(event.sequence == 1)
        #expect(event.source == "meter")
        let measurement = try event.decode(EnergyMeasurement.self)
        #expect(measurement.deviceID == "meter")
        #expect(EventTime(measurement.meterTime) == RFC3339.parse("2026-01-15T08:00:00Z"))
        #expect(measurement.value(of: .voltage, phase: 1)?.value == 231)
        #expect(measurement.value(of: .activePowerImport)?.value == 42_000)
        #expect(event.jsonLine() == line)
    }

    @Test func theEnvelopeIsLenient() throws {
        let line = #"{"topic":"t/x","kind":"status","time":"2026-01-15 10:00:00.5+02:00","payload":{"available":true},"extra":1}"#
        let event = try Event(jsonLine: line)
        #expect(event.source == "")
        #expect(event.sequence == 0)
        #expect(event.time == EventTime(nanosecondsSinceEpoch: 1_768_464_000_500_000_000))
        #expect(try event.decode(EnergyStatus.self).available)
        let camel = try Event(jsonLine: #"{"topic":"t","kind":"measurement","time":"2026-01-15T08:00:00Z","payload":{"deviceId":"d"}}"#)
        #expect(try camel.decode(EnergyMeasurement.self).deviceID == "d")
    }

    static let malformed: [(String, String)] = [
        ("not json", "not a JSON object"),
        ("[1, 2]", "not a JSON object"),
        (#"{"topic":"t","time":"2026-01-15T08:00:00Z","payload":{}}"#, #""kind" is missing or not a string"#),
        (#"{"kind":"status","time":"2026-01-15T08:00:00Z","payload":{}}"#, #""topic" is missing or not a string"#),
        (#"{"topic":"t","kind":"status","time":3,"payload":{}}"#, #""time" is missing or not a string"#),
        (#"{"topic":"t","kind":"status","time":"yesterday","payload":{}}"#, #""time" is not an RFC 3339 timestamp"#),
        (#"{"topic":"t","kind":"vendor","time":"2026-01-15T08:00:00Z","payload_base64":"***"}"#, #""payload_base64" is not base64"#),
        (#"{"topic":"t","kind":"status","time":"2026-01-15T08:00:00Z","payload":{"colour":"red"}}"#, #""payload" is not a valid status"#),
        (#"{"topic":"t","kind":"measurement","time":"2026-01-15T08:00:00Z","payload":{"values":[{"value":"abc"}]}}"#, #""payload" is not a valid measurement"#),
        (#"{"topic":"t","kind":"status","time":"2026-01-15T08:00:00Z"}"#, #"no "payload" for kind status"#),
        (#"{"topic":"t","kind":"status","time":"2026-01-15T08:00:00Z","sequence":-1,"payload":{}}"#, #""sequence" is not a non-negative integer"#),
        (#"{"topic":"t","kind":"status","time":"2026-01-15T08:00:00Z","sequence":1.5,"payload":{}}"#, #""sequence" is not a non-negative integer"#),
        (#"{"topic":"t","kind":"status","time":"2026-01-15T08:00:00Z","sequence":"7","payload":{}}"#, #""sequence" is not a non-negative integer"#),
        (#"{"topic":"t","kind":"status","time":"2300-01-01T00:00:00Z","payload":{}}"#, #""time" is not an RFC 3339 timestamp"#),
        (#"{"topic":"t","kind":"vendor","time":"2026-01-15T08:00:00Z","payload":{}}"#, #"no "payload" for kind vendor"#),
    ]

    @Test(arguments: malformed)
    func malformedLinesThrowAnInvalidEventNamingTheProblem(line: String, problem: String) {
        let error = #expect(throws: AdapterError.self) { try Event(jsonLine: line) }
        #expect(error?.code == .invalidEvent)
        #expect(error?.message.contains(problem) == true, "\(error?.message ?? "")")
    }

    @Test func decodingAsTheWrongKindThrows() throws {
        var status = EnergyStatus()
        status.available = true
        let event = try Event(topic: "t", payload: status, time: Self.time)
        let error = #expect(throws: AdapterError.self) { try event.decode(EnergyAlarm.self) }
        #expect(error?.code == .invalidEvent)
        #expect(try event.decode(EnergyStatus.self) == status)
    }
}

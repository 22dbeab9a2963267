import AdapterKit
import Foundation
import Testing

@Suite struct ConfigurationDecoderTests {
    struct Settings: Decodable, Sendable {
        struct Target: Decodable, Sendable {
            var name: String
            var weightKw: Double
        }

        var path: String
        var maxBytes: Int
        var fsyncEachBatch: Bool
        var ratio: Double
        var deviceId: String?
        var targets: [Target]
    }

    static let schema = JSONSchema.object([
        "path": .string(default: "events.jsonl", minLength: 1),
        "max_bytes": .integer(minimum: 1024, default: 4096),
        "fsync_each_batch": .boolean(default: false),
        "ratio": .number(minimum: 0, maximum: 1, default: 0.25),
        "device_id": .string(),
        "targets": .array(of: .object(["name": .string(), "weight_kw": .number(default: 1.5)], required: ["name"])),
    ])

    private func decode(_ json: String) throws -> Settings {
        try ConfigurationDecoder.decode(Settings.self, from: json, schema: Self.schema)
    }

    @Test func schemaDefaultsFillMissingKeysSoAnEmptyObjectDecodes() throws {
        let settings = try ConfigurationDecoder.decode(
            Settings.self, from: #"{"targets": []}"#, schema: Self.schema)
        #expect(settings.path == "events.jsonl")
        #expect(settings.maxBytes == 4096)
        #expect(settings.fsyncEachBatch == false)
        #expect(settings.ratio == 0.25)
        #expect(settings.deviceId == nil)
        #expect(settings.targets.isEmpty)
    }

    @Test func structWithOnlyDefaultedFieldsDecodesFromEmptyObject() throws {
        struct Plain: Decodable, Sendable {
            var path: String
            var keep: Int
        }
        let schema = JSONSchema.object(["path": .string(default: "a.txt"), "keep": .integer(default: 5)])
        let plain = try ConfigurationDecoder.decode(Plain.self, from: "{}", schema: schema)
        #expect(plain.path == "a.txt")
        #expect(plain.keep == 5)
    }

    @Test func defaultsApplyInsideArrayItemsAndNeverOverrideGivenValues() throws {
        let settings = try decode(#"{"max_bytes": 2048, "targets": [{"name": "a"}, {"name": "b", "weight_kw": 3}]}"#)
        #expect(settings.maxBytes == 2048)
        #expect(settings.targets.map(\.name) == ["a", "b"])
        #expect(settings.targets.map(\.weightKw) == [1.5, 3])
    }

    @Test func snakeCaseKeysMapToCamelCaseProperties() throws {
        let settings = try decode(
            #"{"path": "x.jsonl", "max_bytes": 65536, "fsync_each_batch": true, "ratio": 1, "device_id": "m1", "targets": []}"#)
        #expect(settings.path == "x.jsonl")
        #expect(settings.maxBytes == 65536)
        #expect(settings.fsyncEachBatch)
        #expect(settings.ratio == 1)
        #expect(settings.deviceId == "m1")
    }

    @Test func applyDefaultsLeavesNonObjectsAlone() {
        let schema = Self.schema.value
        #expect(ConfigurationDecoder.applyDefaults(of: schema, to: .string("x")) == .string("x"))
        let filled = ConfigurationDecoder.applyDefaults(of: schema, to: .object(["ratio": .number(0.5)]))
        #expect(filled["ratio"] == .number(0.5))
        #expect(filled["max_bytes"] == .number(4096))
        #expect(filled["device_id"] == nil)
    }

    @Test func schemaViolationsThrowInvalidConfigurationNamingEveryPath() throws {
        let error = #expect(throws: AdapterError.self) {
            try decode(#"{"max_bytes": 10, "ratio": 2, "targets": [{"weight_kw": 1}], "colour": "red"}"#)
        }
        #expect(error?.code == .invalidConfiguration)
        let message = error?.message ?? ""
        #expect(message.contains("config.max_bytes: 10 is below the minimum 1024"))
        #expect(message.contains("config.ratio: 2 is above the maximum 1"))
        #expect(message.contains("config.targets[0].name: is required"))
        #expect(message.contains("config.colour: unknown key"))
        #expect(message.components(separatedBy: "; ").count == 4)
    }

    @Test func invalidJSONThrowsInvalidConfiguration() {
        let error = #expect(throws: AdapterError.self) { try decode(#"{"path": "#) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.hasPrefix("config: invalid JSON: ") == true)
    }

    @Test func decodingErrorsNameTheSnakeCasePath() {
        struct Loose: Decodable, Sendable {
            var maxBytes: Int
        }
        let open = JSONSchema.object([:], additionalProperties: true)
        let missing = #expect(throws: AdapterError.self) {
            try ConfigurationDecoder.decode(Loose.self, from: "{}", schema: open)
        }
        #expect(missing?.code == .invalidConfiguration)
        #expect(missing?.message == "config.max_bytes: is required")
        let mistyped = #expect(throws: AdapterError.self) {
            try ConfigurationDecoder.decode(Loose.self, from: #"{"max_bytes": "big"}"#, schema: open)
        }
        #expect(mistyped?.code == .invalidConfiguration)
        #expect(mistyped?.message.hasPrefix("config.max_bytes: expected") == true)
    }
}

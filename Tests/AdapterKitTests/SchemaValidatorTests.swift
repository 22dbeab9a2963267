import AdapterKit
import Testing

@Suite struct SchemaValidatorTests {
    private let root = JSONPath([.key("config")])

    private func issues(_ json: String, _ schema: JSONSchema) throws -> [String] {
        SchemaValidator().validate(try JSONValue.parse(json), against: schema.value, at: root).map(\.description)
    }

    @Test func aValidValueHasNoIssues() throws {
        let schema = JSONSchema.object([
            "name": .string(minLength: 1),
            "port": .integer(minimum: 1, maximum: 65535),
            "ratio": .number(minimum: 0, maximum: 1),
            "on": .boolean(),
        ], required: ["name"])
        #expect(try issues(#"{"name": "x", "port": 502, "ratio": 0.5, "on": true}"#, schema) == [])
        #expect(try issues(#"{"name": "x"}"#, schema) == [])
    }

    @Test func typeMismatchNamesExpectedAndFound() throws {
        let schema = JSONSchema.object(["port": .integer(), "name": .string(), "on": .boolean(), "list": .array(of: .string())])
        #expect(try issues(#"{"port": "80"}"#, schema) == [#"config.port: expected integer, found "80""#])
        #expect(try issues(#"{"port": 2.5}"#, schema) == ["config.port: expected integer, found 2.5"])
        #expect(try issues(#"{"name": 3}"#, schema) == ["config.name: expected string, found 3"])
        #expect(try issues(#"{"on": "yes"}"#, schema) == [#"config.on: expected boolean, found "yes""#])
        #expect(try issues(#"{"list": {"a": 1}}"#, schema) == ["config.list: expected array, found an object"])
        #expect(try issues("[1, 2]", schema) == ["config: expected object, found an array of 2"])
    }

    @Test func anIntegerValuedNumberIsAnInteger() throws {
        let schema = JSONSchema.object(["port": .integer(), "ratio": .number()])
        #expect(try issues(#"{"port": 80.0, "ratio": 3}"#, schema) == [])
    }

    @Test func typeUnionsAcceptAnyListedType() throws {
        let schema = JSONSchema(value: .object(["type": .array([.string("string"), .string("null")])]))
        #expect(try issues("null", schema) == [])
        #expect(try issues(#""x""#, schema) == [])
        #expect(try issues("3", schema) == ["config: expected string or null, found 3"])
    }

    @Test func enumListsTheAllowedValues() throws {
        let schema = JSONSchema.object(["mode": .string(oneOf: ["emit", "echo"]), "baud": .integer(oneOf: [9600, 1200])])
        #expect(try issues(#"{"mode": "sideways"}"#, schema) == [#"config.mode: "sideways" is not one of "emit", "echo""#])
        #expect(try issues(#"{"baud": 4800}"#, schema) == ["config.baud: 4800 is not one of 9600, 1200"])
        #expect(try issues(#"{"mode": "echo", "baud": 1200}"#, schema) == [])
    }

    @Test func minimumAndMaximumAreInclusive() throws {
        let schema = JSONSchema.object(["n": .integer(minimum: 10, maximum: 20), "x": .number(minimum: 0.5, maximum: 1.5)])
        #expect(try issues(#"{"n": 10, "x": 0.5}"#, schema) == [])
        #expect(try issues(#"{"n": 20, "x": 1.5}"#, schema) == [])
        #expect(try issues(#"{"n": 9}"#, schema) == ["config.n: 9 is below the minimum 10"])
        #expect(try issues(#"{"n": 21}"#, schema) == ["config.n: 21 is above the maximum 20"])
        #expect(try issues(#"{"x": 0.25}"#, schema) == ["config.x: 0.25 is below the minimum 0.5"])
        #expect(try issues(#"{"x": 2}"#, schema) == ["config.x: 2 is above the maximum 1.5"])
    }

    @Test func stringLengthsAndPatterns() throws {
        let schema = JSONSchema.object([
            "file": .string(minLength: 3),
            "stream": .string(pattern: "^[^/+#]+$"),
        ])
        #expect(try issues(#"{"file": "ab"}"#, schema) == ["config.file: must have at least 3 characters"])
        #expect(try issues(#"{"file": "abc"}"#, schema) == [])
        #expect(try issues(#"{"stream": "a/b"}"#, schema) == [#"config.stream: "a/b" does not match the pattern ^[^/+#]+$"#])
        #expect(try issues(#"{"stream": "measurements"}"#, schema) == [])
        let bounded = JSONSchema(value: .object(["type": .string("string"), "maxLength": .number(2)]))
        #expect(try issues(#""abc""#, bounded) == ["config: must have at most 2 characters"])
    }

    @Test func requiredKeysAreReportedAtTheirOwnPath() throws {
        let schema = JSONSchema.object(["file": .string(), "mode": .string()], required: ["file", "mode"])
        #expect(try issues("{}", schema) == ["config.file: is required", "config.mode: is required"])
        #expect(try issues(#"{"mode": "x"}"#, schema) == ["config.file: is required"])
    }

    @Test func unknownKeysAreRefusedWithTheKnownKeys() throws {
        let schema = JSONSchema.object(["path": .string(), "keep": .integer()])
        #expect(try issues(#"{"pth": "x"}"#, schema) == ["config.pth: unknown key (known keys: keep, path)"])
        #expect(try issues(#"{"x": 1}"#, .object([:])) == ["config.x: unknown key"])
        #expect(try issues(#"{"x": 1}"#, .object([:], additionalProperties: true)) == [])
    }

    @Test func mapValuesAreCheckedAgainstAdditionalProperties() throws {
        let schema = JSONSchema.object(["limits": .map(of: .integer(minimum: 0))])
        #expect(try issues(#"{"limits": {"a": 1, "b": 0}}"#, schema) == [])
        #expect(try issues(#"{"limits": {"a": 1, "b": -1, "c": "x"}}"#, schema) == [
            "config.limits.b: -1 is below the minimum 0",
            #"config.limits.c: expected integer, found "x""#,
        ])
    }

    @Test func nestedPathsNameArrayIndexes() throws {
        let item = JSONSchema.object(["name": .string(minLength: 1), "weight": .number(minimum: 0)], required: ["name"])
        let schema = JSONSchema.object(["items": .array(of: item, minItems: 1, maxItems: 4)])
        let json = #"{"items": [{"name": "a"}, {"name": "b"}, {"name": ""}, {"weight": -1}]}"#
        #expect(try issues(json, schema) == [
            "config.items[2].name: must have at least 1 character",
            "config.items[3].name: is required",
            "config.items[3].weight: -1 is below the minimum 0",
        ])
        #expect(try issues(#"{"items": []}"#, schema) == ["config.items: must have at least 1 item"])
        #expect(try issues(#"{"items": [{"name":"a"},{"name":"a"},{"name":"a"},{"name":"a"},{"name":"a"}]}"#, schema)
            == ["config.items: must have at most 4 items"])
    }

    @Test func collectsEveryViolationNotJustTheFirst() throws {
        let schema = JSONSchema.object([
            "file": .string(minLength: 1),
            "pace": .string(oneOf: ["recorded", "fastest"]),
            "speed": .number(minimum: 0.001),
            "loop": .boolean(),
        ], required: ["file"])
        let found = try issues(#"{"pace": "slow", "speed": 0, "loop": 1, "extra": true}"#, schema)
        #expect(found == [
            "config.file: is required",
            "config.extra: unknown key (known keys: file, loop, pace, speed)",
            "config.loop: expected boolean, found 1",
            #"config.pace: "slow" is not one of "recorded", "fastest""#,
            "config.speed: 0 is below the minimum 0.001",
        ])
    }

    @Test func pathsRenderAsDotsAndBrackets() {
        #expect(JSONPath().description == "(root)")
        #expect(JSONPath([.key("sites"), .index(0), .key("adapters"), .index(2), .key("config")]).description
            == "sites[0].adapters[2].config")
        #expect(JSONPath().appending(1).appending("a").description == "[1].a")
    }

    @Test func secretsAreMarkedInTheSchema() {
        #expect(SchemaValidator.isSecret(JSONSchema.string(secret: true).value))
        #expect(!SchemaValidator.isSecret(JSONSchema.string().value))
    }
}

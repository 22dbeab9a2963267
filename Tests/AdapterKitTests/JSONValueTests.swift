import AdapterKit
import Foundation
import Testing

@Suite struct JSONValueTests {
    @Test func parsesEveryTypeAndRoundTrips() throws {
        let text = #"{"b": [1, 2.5, true, null, "x"], "a": {"z": -3, "e": {}}, "f": false}"#
        let value = try JSONValue.parse(text)
        let expected: JSONValue = .object([
            "b": .array([.number(1), .number(2.5), .bool(true), .null, .string("x")]),
            "a": .object(["z": .number(-3), "e": .object([:])]),
            "f": .bool(false),
        ])
        #expect(value == expected)
        #expect(value.jsonText == #"{"a":{"e":{},"z":-3},"b":[1,2.5,true,null,"x"],"f":false}"#)
        #expect(try JSONValue.parse(value.jsonText) == value)
    }

    @Test func booleansAndNumbersStayDistinct() throws {
        #expect(try JSONValue.parse("[true, 1, 0, false]") == .array([.bool(true), .number(1), .number(0), .bool(false)]))
        #expect(try JSONValue.parse("42") == .number(42))
        #expect(try JSONValue.parse(#""text""#) == .string("text"))
        #expect(try JSONValue.parse("null") == .null)
    }

    @Test func objectKeysAreSortedSoEqualValuesSerializeIdentically() {
        let first: JSONValue = .object(["b": .number(1), "a": .number(2), "C": .number(3), "aa": .number(4)])
        var members: [String: JSONValue] = [:]
        for key in ["aa", "C", "b", "a"] { members[key] = first[key] }
        #expect(first.jsonText == #"{"C":3,"a":2,"aa":4,"b":1}"#)
        #expect(JSONValue.object(members).jsonText == first.jsonText)
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() throws {
        let original = "say \"hi\" \\ path\n\r\t\u{01}\u{1F}\u{08}"
        let text = JSONValue.string(original).jsonText
        #expect(text == #""say \"hi\" \\ path\n\r\t\u0001\u001f\u0008""#)
        #expect(try JSONValue.parse(text) == .string(original))
    }

    @Test func keepsNonASCIIUnicodeAsIs() throws {
        let original = "é ü 中文 😀 \u{7F} \u{2028}"
        let text = JSONValue.string(original).jsonText
        #expect(text == "\"" + original + "\"")
        #expect(try JSONValue.parse(text) == .string(original))
        #expect(try JSONValue.parse(#""\u00e9\ud83d\ude00""#) == .string("é😀"))
    }

    @Test func formatsIntegersWithoutFractionAndOthersExactly() {
        #expect(JSONValue.format(3) == "3")
        #expect(JSONValue.format(-42) == "-42")
        #expect(JSONValue.format(0) == "0")
        #expect(JSONValue.format(-0.0) == "0")
        #expect(JSONValue.format(100_000_000_000_000) == "100000000000000")
        #expect(JSONValue.format(2.5) == "2.5")
        #expect(JSONValue.format(0.1) == "0.1")
        #expect(JSONValue.format(.nan) == "null")
        #expect(JSONValue.format(.infinity) == "null")
        for value in [1e15, 1e-7, 123.456, -0.001, 1e300] {
            #expect(Double(JSONValue.format(value)) == value, "\(value)")
        }
    }

    @Test func typeNamesFollowJSONSchema() {
        #expect(JSONValue.number(3).typeName == "integer")
        #expect(JSONValue.number(3.5).typeName == "number")
        #expect(JSONValue.string("3").typeName == "string")
        #expect(JSONValue.bool(true).typeName == "boolean")
        #expect(JSONValue.null.typeName == "null")
        #expect(JSONValue.array([]).typeName == "array")
        #expect(JSONValue.object([:]).typeName == "object")
    }

    @Test(arguments: [#"{"a": }"#, "[1, 2", "{'a': 1}", "tru", "", #"{"a": 1} x"#])
    func invalidJSONThrowsWithAMessage(text: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
        #expect(error?.message.trimmingCharacters(in: .whitespaces).isEmpty == false)
        #expect(error?.description.hasPrefix("invalid JSON: ") == true)
    }

    @Test func shortDescriptionsAbbreviate() {
        #expect(JSONValue.array([.null, .null, .null]).shortDescription == "an array of 3")
        #expect(JSONValue.object(["a": .null]).shortDescription == "an object")
        #expect(JSONValue.string("x").shortDescription == #""x""#)
        let long = JSONValue.string(String(repeating: "a", count: 100)).shortDescription
        #expect(long.count == 60)
        #expect(long.hasSuffix("..."))
    }

    @Test func accessorsReturnOnlyTheirOwnType() {
        let value: JSONValue = .object(["n": .number(1), "s": .string("x"), "a": .array([]), "b": .bool(true)])
        #expect(value["n"]?.numberValue == 1)
        #expect(value["n"]?.stringValue == nil)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["a"]?.arrayValue == [])
        #expect(value["b"]?.boolValue == true)
        #expect(value["n"]?.intValue == 1)
        #expect(value["s"]?.intValue == nil)
        #expect(JSONValue.number(2.5).intValue == nil)
        #expect(JSONValue.number(-7).intValue == -7)
        #expect(JSONValue.number(1e16).intValue == nil)
        #expect(value["missing"] == nil)
        #expect(JSONValue.array([]).objectValue == nil)
        #expect(JSONValue.string("x")["key"] == nil)
    }
}

@testable import AdapterKit
import Foundation
import Testing

/// adapters.json and event lines are parsed strictly: a reviewed file is exactly what runs, and
/// every refusal says what and where.
@Suite struct StrictJSONTests {
    @Test(arguments: [
        (#"{"a": 1, "a": 2}"#, "line 1, column 10: duplicate key \"a\" (first at line 1, column 2)"),
        ("{\"a\": 1,\n}", "line 2, column 1: trailing comma before }"),
        ("[1, 2,]", "line 1, column 7: trailing comma before ]"),
        (#"{"a" 1}"#, "line 1, column 6: expected : after the key \"a\", found '1'"),
        (#"{"a": 01}"#, "line 1, column 7: leading zero in a number"),
        (#"{"a": 1e999}"#, "line 1, column 7: the number 1e999 is out of range"),
        ("{\"a\": \"x\ny\"}", "line 1, column 9: control character byte 0xA in a string: escape it"),
        (#"{"a": "\x"}"#, "line 1, column 10: invalid escape \\'x'"),
        (#"{"a": tru}"#, "line 1, column 7: unexpected 't'"),
        (#"{"a": 1} x"#, "line 1, column 10: unexpected 'x' after the end of the document"),
        (#"// comment"#, "line 1, column 1: unexpected '/'"),
        ("", "line 1, column 1: unexpected end of the document"),
        (#"{"a": "\ud800"}"#, "line 1, column 14: a high surrogate \\ud800 without its low surrogate"),
    ])
    func malformedDocumentsSayWhatAndWhere(text: String, message: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
        do {
            _ = try JSONValue.parse(text)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func validDocumentsParseExactly() throws {
        let value = try JSONValue.parse(#" {"s": "a\"b\\c\/d\u00e9\ud83d\ude00\n", "n": [-0.5, 1E3, 0, 12], "t": true, "f": false, "z": null, "o": {}} "#)
        #expect(value["s"]?.stringValue == "a\"b\\c/dé😀\n")
        #expect(value["n"]?.arrayValue == [.number(-0.5), .number(1000), .number(0), .number(12)])
        #expect(value["t"] == .bool(true) && value["f"] == .bool(false) && value["z"] == .null && value["o"] == .object([:]))
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect { try JSONValue.parse(deep) } throws: { ($0 as? JSONParseError)?.message.contains("nesting deeper than 512") == true }
    }
}

package import AdapterKit

/// An HTTP answer of the BACS role: a status and a JSON body.
package struct FlexAnswer: Sendable, Hashable {
    package var status: Int
    package var body: JSONValue

    package init(status: Int, body: JSONValue) {
        self.status = status
        self.body = body
    }

    /// An error: `{"error": message}`, with `details` (each problem, with its JSON path) when given.
    package static func error(_ status: Int, _ message: String, details: [String] = []) -> FlexAnswer {
        var members: [String: JSONValue] = ["error": .string(message)]
        if !details.isEmpty { members["details"] = .array(details.map(JSONValue.string)) }
        return FlexAnswer(status: status, body: .object(members))
    }
}

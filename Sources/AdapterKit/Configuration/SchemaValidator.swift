/// Validates a JSON value against a JSON Schema (the subset ``JSONSchema`` documents) and
/// collects every violation with its path, instead of stopping at the first.
package struct SchemaValidator: Sendable {
    package init() {}

    /// Returns every violation of `schema` by `value`; empty when it is valid.
    package func validate(_ value: JSONValue, against schema: JSONValue, at path: JSONPath) -> [JSONIssue] {
        var issues: [JSONIssue] = []
        check(value, schema, path, &issues)
        return issues
    }

    /// Whether the schema marks a value as secret (`"x-secret": true`).
    package static func isSecret(_ schema: JSONValue) -> Bool {
        schema["x-secret"]?.boolValue == true
    }

    private func check(_ value: JSONValue, _ schema: JSONValue, _ path: JSONPath, _ issues: inout [JSONIssue]) {
        guard case .object = schema else { return }
        if let types = allowedTypes(schema), !types.contains(where: { matches(value, type: $0) }) {
            let expected = types.joined(separator: " or ")
            issues.append(JSONIssue(path: path, message: "expected \(expected), found \(value.shortDescription)"))
            return
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            let list = allowed.map(\.jsonText).joined(separator: ", ")
            issues.append(JSONIssue(path: path, message: "\(value.shortDescription) is not one of \(list)"))
        }
        switch value {
        case .number(let number): checkNumber(number, schema, path, &issues)
        case .string(let string): checkString(string, schema, path, &issues)
        case .array(let items): checkArray(items, schema, path, &issues)
        case .object(let members): checkObject(members, schema, path, &issues)
        case .null, .bool: break
        }
    }

    /// `1 item`, `2 items`.
    private static func count(_ number: Double, _ noun: String) -> String {
        "\(JSONValue.format(number)) \(noun)\(number == 1 ? "" : "s")"
    }

    private func allowedTypes(_ schema: JSONValue) -> [String]? {
        switch schema["type"] {
        case .string(let type): [type]
        case .array(let types): types.compactMap(\.stringValue)
        default: nil
        }
    }

    private func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("number", .number): true
        case ("integer", .number): value.typeName == "integer"
        default: value.typeName == type
        }
    }

    private func checkNumber(_ number: Double, _ schema: JSONValue, _ path: JSONPath, _ issues: inout [JSONIssue]) {
        let shown = JSONValue.format(number)
        if let minimum = schema["minimum"]?.numberValue, number < minimum {
            issues.append(JSONIssue(path: path, message: "\(shown) is below the minimum \(JSONValue.format(minimum))"))
        }
        if let maximum = schema["maximum"]?.numberValue, number > maximum {
            issues.append(JSONIssue(path: path, message: "\(shown) is above the maximum \(JSONValue.format(maximum))"))
        }
    }

    private func checkString(_ string: String, _ schema: JSONValue, _ path: JSONPath, _ issues: inout [JSONIssue]) {
        if let minLength = schema["minLength"]?.numberValue, Double(string.count) < minLength {
            issues.append(JSONIssue(path: path, message: "must have at least \(Self.count(minLength, "character"))"))
        }
        if let maxLength = schema["maxLength"]?.numberValue, Double(string.count) > maxLength {
            issues.append(JSONIssue(path: path, message: "must have at most \(Self.count(maxLength, "character"))"))
        }
        if let pattern = schema["pattern"]?.stringValue {
            switch BoundedPatternMatch.evaluate(pattern, in: string) {
            case .doesNotMatch:
                issues.append(JSONIssue(path: path, message: "\"\(string)\" does not match the pattern \(pattern)"))
            case .outOfTime:
                issues.append(JSONIssue(
                    path: path,
                    message: "the schema's pattern \(pattern) did not finish on this value within \(BoundedPatternMatch.limit) (it backtracks without end: the adapter's schema must be fixed)"
                ))
            case .matches, .invalidPattern:
                break
            }
        }
    }

    private func checkArray(_ items: [JSONValue], _ schema: JSONValue, _ path: JSONPath, _ issues: inout [JSONIssue]) {
        if let minItems = schema["minItems"]?.numberValue, Double(items.count) < minItems {
            issues.append(JSONIssue(path: path, message: "must have at least \(Self.count(minItems, "item"))"))
        }
        if let maxItems = schema["maxItems"]?.numberValue, Double(items.count) > maxItems {
            issues.append(JSONIssue(path: path, message: "must have at most \(Self.count(maxItems, "item"))"))
        }
        if let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() {
                check(item, itemSchema, path.appending(index), &issues)
            }
        }
    }

    private func checkObject(
        _ members: [String: JSONValue],
        _ schema: JSONValue,
        _ path: JSONPath,
        _ issues: inout [JSONIssue]
    ) {
        let properties = schema["properties"]?.objectValue ?? [:]
        for key in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[key] == nil {
            issues.append(JSONIssue(path: path.appending(key), message: "is required"))
        }
        for key in members.keys.sorted() {
            let member = members[key]!
            if let propertySchema = properties[key] {
                check(member, propertySchema, path.appending(key), &issues)
                continue
            }
            switch schema["additionalProperties"] {
            case .bool(false):
                let known = properties.keys.sorted().joined(separator: ", ")
                let hint = known.isEmpty ? "" : " (known keys: \(known))"
                issues.append(JSONIssue(path: path.appending(key), message: "unknown key\(hint)"))
            case .some(let additional) where additional.objectValue != nil:
                check(member, additional, path.appending(key), &issues)
            default:
                break
            }
        }
    }
}

package import AdapterKit

/// Reads a request body strictly, collecting every problem with its JSON path instead of
/// stopping at the first: the API accepts no extra field, and a 400 lists each problem.
package struct BodyReader {
    /// The problems found so far.
    package private(set) var issues: [JSONIssue] = []

    package init() {}

    /// The members of the object at `path`, when `value` is one holding only `allowed` keys;
    /// reports a non-object and each extra key.
    package mutating func object(_ value: JSONValue, at path: JSONPath, allowed: Set<String>) -> [String: JSONValue]? {
        guard case .object(let members) = value else {
            issues.append(JSONIssue(path: path, message: "must be an object, not \(value.typeName)"))
            return nil
        }
        for key in members.keys.sorted() where !allowed.contains(key) {
            issues.append(JSONIssue(path: path.appending(key), message: "is not a field of this request"))
        }
        return members
    }

    /// The member `key` of `members`, reported when missing.
    package mutating func required(_ key: String, in members: [String: JSONValue], at path: JSONPath) -> JSONValue? {
        guard let value = members[key] else {
            issues.append(JSONIssue(path: path.appending(key), message: "is required"))
            return nil
        }
        return value
    }

    /// The string `value`, reported when it is not one or is empty.
    package mutating func string(_ value: JSONValue, at path: JSONPath) -> String? {
        guard case .string(let text) = value else {
            issues.append(JSONIssue(path: path, message: "must be a string, not \(value.typeName)"))
            return nil
        }
        guard !text.isEmpty else {
            issues.append(JSONIssue(path: path, message: "must not be empty"))
            return nil
        }
        return text
    }

    /// The number `value`, reported when it is not one.
    package mutating func number(_ value: JSONValue, at path: JSONPath) -> Double? {
        guard case .number(let number) = value else {
            issues.append(JSONIssue(path: path, message: "must be a number, not \(value.typeName)"))
            return nil
        }
        return number
    }

    /// The instant `value` spells, reported when it is not a date and time.
    package mutating func time(_ value: JSONValue, at path: JSONPath) -> FlexTime? {
        guard let text = string(value, at: path) else { return nil }
        guard let time = FlexTime(parsing: text) else {
            issues.append(JSONIssue(path: path, message: "\"\(text)\" is not a date and time YYYY-MM-DDTHH:MM:SS (GMT)"))
            return nil
        }
        return time
    }

    /// The flex product `value` names.
    package mutating func flexProduct(_ value: JSONValue, at path: JSONPath) -> FlexProduct? {
        guard let text = string(value, at: path) else { return nil }
        guard let product = FlexProduct(rawValue: text) else {
            issues.append(JSONIssue(path: path, message: "\"\(text)\" is not a flex product (WID, WDA)"))
            return nil
        }
        return product
    }

    /// The `FloatQuantity` at `path`: `unit` (`W`), `multiplier` (optional), `value`.
    package mutating func quantity(_ value: JSONValue, at path: JSONPath) -> FloatQuantity? {
        guard let members = object(value, at: path, allowed: ["unit", "multiplier", "value"]) else { return nil }
        let unit = required("unit", in: members, at: path).flatMap { string($0, at: path.appending("unit")) }
        if let unit, unit != "W" {
            issues.append(JSONIssue(path: path.appending("unit"), message: "\"\(unit)\" is not a unit of power (W)"))
        }
        var multiplier = FloatQuantity.Multiplier.none
        if let symbol = members["multiplier"] {
            if case .string(let text) = symbol, let known = FloatQuantity.Multiplier(symbol: text) {
                multiplier = known
            } else {
                issues.append(JSONIssue(path: path.appending("multiplier"), message: "must be a multiplier symbol (p n µ m c d da h k M G T, or empty)"))
            }
        }
        let number = required("value", in: members, at: path).flatMap { self.number($0, at: path.appending("value")) }
        guard unit == "W", let number else { return nil }
        return FloatQuantity(unit: "W", multiplier: multiplier, value: number)
    }

    /// The power time series at `path`: a non-empty array of `{power, start, end}`.
    package mutating func powerSlots(_ value: JSONValue, at path: JSONPath) -> [PowerSlot]? {
        guard case .array(let items) = value else {
            issues.append(JSONIssue(path: path, message: "must be an array, not \(value.typeName)"))
            return nil
        }
        guard !items.isEmpty else {
            issues.append(JSONIssue(path: path, message: "must hold at least one step"))
            return nil
        }
        var slots: [PowerSlot] = []
        for (index, item) in items.enumerated() {
            let itemPath = path.appending(index)
            guard let members = object(item, at: itemPath, allowed: ["power", "start", "end"]) else { continue }
            let power = required("power", in: members, at: itemPath).flatMap { quantity($0, at: itemPath.appending("power")) }
            let start = required("start", in: members, at: itemPath).flatMap { time($0, at: itemPath.appending("start")) }
            let end = required("end", in: members, at: itemPath).flatMap { time($0, at: itemPath.appending("end")) }
            if let power, let start, let end { slots.append(PowerSlot(power: power, start: start, end: end)) }
        }
        return slots.count == items.count ? slots : nil
    }
}

package import AdapterKit
package import EnergyFlexReady

/// What the emulator checks in a BACS's nominal answers: status 200 and a body of the form the
/// référentiel and its Annex 1 give for each function. Each problem is named with its JSON path.
package enum FlexAnswerConformance {
    /// The problems of `body` (nil: not JSON) answered with `status` to a nominal call of `route`
    /// for `requestID`; empty when it conforms.
    package static func problems(route: FlexBACSRoutes.Route, status: Int, body: JSONValue?, requestID: String) -> [String] {
        guard status == 200 else { return ["status \(status), not 200"] }
        guard let body else { return ["the body is not JSON"] }
        switch route {
        case .getBACSAssets:
            return list(body) { item, path in
                string(item["asset"], at: "\(path).asset")
                    + (["WID", "WDA"].contains(item["flexProduct"]?.stringValue ?? "") ? [] : ["\(path).flexProduct: not WID or WDA"])
                    + list(item["potentiel"] ?? .null, at: "\(path).potentiel") { potential, at in quantity(potential["power"], at: "\(at).power") }
            }
        case .askFlex:
            return message(body, "Flex request created successfully")
        case .confirmFlexRequest:
            return message(body, "Flex request confirmed successfully")
        case .realiseFlexRequest:
            return list(body) { item, path in
                (item["requestID"]?.stringValue == requestID ? [] : ["\(path).requestID: not \"\(requestID)\""])
                    + string(item["asset"], at: "\(path).asset")
                    + list(item["reported"] ?? .null, at: "\(path).reported") { slot, at in
                        quantity(slot["power"], at: "\(at).power") + time(slot["start"], at: "\(at).start") + time(slot["end"], at: "\(at).end")
                    }
            }
        case .getBACSAssetsHisto, .getBACSAssetsConsos:
            // The Annex calls the consos' answer "a JSON object summarizing consumption data": an object is taken too.
            if route == .getBACSAssetsConsos, body.objectValue != nil { return [] }
            return list(body) { item, path in
                string(item["date"], at: "\(path).date") + string(item["hour"], at: "\(path).hour") + quantity(item["conso"], at: "\(path).conso")
            }
        }
    }

    /// The problems of an acceptFlexRequest body for `requestID`: `{"requestID", "status":
    /// "accepted" | "modified", "power": [steps]}`.
    package static func acceptanceProblems(_ body: JSONValue?, requestID: String) -> [String] {
        guard let body, body.objectValue != nil else { return ["the body is not a JSON object"] }
        var problems: [String] = []
        if body["requestID"]?.stringValue != requestID { problems.append("requestID: not \"\(requestID)\"") }
        if !["accepted", "modified"].contains(body["status"]?.stringValue ?? "") { problems.append("status: not accepted or modified") }
        problems += list(body["power"] ?? .null, at: "power") { slot, at in
            quantity(slot["power"], at: "\(at).power") + time(slot["start"], at: "\(at).start") + time(slot["end"], at: "\(at).end")
        }
        return problems
    }

    private static func message(_ body: JSONValue, _ expected: String) -> [String] {
        body["message"]?.stringValue == expected ? [] : ["message: not \"\(expected)\""]
    }

    private static func list(_ value: JSONValue, at path: String = "$", _ item: ([String: JSONValue], String) -> [String]) -> [String] {
        guard let items = value.arrayValue else { return ["\(path): not a list"] }
        var problems: [String] = []
        for (index, element) in items.enumerated() {
            guard let object = element.objectValue else {
                problems.append("\(path)[\(index)]: not an object")
                continue
            }
            problems += item(object, "\(path)[\(index)]")
        }
        return problems
    }

    private static func string(_ value: JSONValue?, at path: String) -> [String] {
        (value?.stringValue ?? "").isEmpty ? ["\(path): missing or not a string"] : []
    }

    private static func time(_ value: JSONValue?, at path: String) -> [String] {
        FlexTime(parsing: value?.stringValue ?? "") == nil ? ["\(path): not a date and time"] : []
    }

    private static func quantity(_ value: JSONValue?, at path: String) -> [String] {
        guard let object = value?.objectValue else { return ["\(path): not a FloatQuantity"] }
        var problems: [String] = []
        if object["unit"]?.stringValue != "W" { problems.append("\(path).unit: not W") }
        if let multiplier = object["multiplier"], FloatQuantity.Multiplier(symbol: multiplier.stringValue ?? "?") == nil {
            problems.append("\(path).multiplier: not a multiplier")
        }
        if object["value"]?.numberValue == nil { problems.append("\(path).value: not a number") }
        return problems
    }
}

package import AdapterKit
package import EnergyFlexReady

/// A robustness case of the emulator's operator interface: invalid data sent to the tested BACS
/// after the nominal call (bad dates, unknown identifiers, excessive volume, malformed or extra
/// fields, a missing token), and the answer it must get.
package struct FlexRobustnessCase: Sendable {
    /// What the BACS must answer.
    package enum Expectation: Sendable, Hashable {
        /// One of these statuses.
        case status(Set<Int>)
        /// 200 and an empty list (the référentiel's answer to unknown identifiers on reads).
        case emptyList
        /// Anything but an acceptance as asked: a 4xx, or 200 with a `status` other than `accepted`.
        case notAccepted
    }

    package var name: String
    package var call: FlexBACSRoutes.Call
    /// Sent without the forwarded `Authorization` header.
    package var withoutAuthorization = false
    package var expected: Expectation

    /// The problem with an answer (`status`, `body`), nil when it is the expected one.
    package func problem(status: Int, body: JSONValue?) -> String? {
        switch expected {
        case .status(let statuses):
            return statuses.contains(status) ? nil : "answered \(status), expected \(statuses.sorted().map(String.init).joined(separator: " or "))"
        case .emptyList:
            return status == 200 && body?.arrayValue?.isEmpty == true ? nil : "answered \(status) \(body?.jsonText ?? "(not JSON)"), expected 200 []"
        case .notAccepted:
            if (400..<500).contains(status) { return nil }
            if status == 200, let answer = body?["status"]?.stringValue, answer != "accepted" { return nil }
            return "answered \(status) \(body?.jsonText ?? "(not JSON)"): an excessive volume must not be accepted as asked"
        }
    }

    /// The cases that follow a nominal `call` at `level`; `authorized`: the nominal call carried
    /// an `Authorization` header (then its absence must answer 401).
    package static func cases(after call: FlexBACSRoutes.Call, level: FlexRequestEvaluator.Level, authorized: Bool) -> [FlexRobustnessCase] {
        let unknownBACS = "00000000-0000-4000-8000-000000000000", unknownAsset = "UnknownAsset", unknownRequest = "unknown-request-id"
        var cases: [FlexRobustnessCase] = []
        func add(_ name: String, _ change: (inout FlexBACSRoutes.Call) -> Void, _ expected: Expectation) {
            var changed = call
            change(&changed)
            cases.append(FlexRobustnessCase(name: name, call: changed, expected: expected))
        }
        let body = try? JSONValue.parse(String(decoding: call.body, as: UTF8.self))
        switch call.route {
        case .getBACSAssets:
            add("unknown BACSID", { $0.bacsID = unknownBACS }, .emptyList)
        case .askFlex:
            let requestID = body?["requestID"]?.stringValue ?? "request"
            func withBody(_ name: String, _ edit: @escaping (inout [String: JSONValue]) -> Void) -> (inout FlexBACSRoutes.Call) -> Void {
                { call in
                    guard var object = body?.objectValue else { return }
                    object["requestID"] = .string("\(requestID)-robustness-\(name)")
                    edit(&object)
                    call.body = Array(JSONValue.object(object).jsonText.utf8)
                }
            }
            add("malformed JSON", { $0.body = Array($0.body.prefix($0.body.count / 2)) + Array("{\"".utf8) }, .status([400]))
            add("extra field", withBody("extra-field") { $0["unexpectedField"] = .bool(true) }, .status([400]))
            add("bad date", withBody("bad-date") { object in
                object["power"] = .array((object["power"]?.arrayValue ?? []).map { slot in
                    var slot = slot.objectValue ?? [:]
                    slot["start"] = .string("2025-02-30T25:61:00")
                    return .object(slot)
                })
            }, .status([400, 422]))
            add("unknown AssetID", withBody("unknown-asset") { _ in }, .status([404, 422]))
            cases[cases.count - 1].call.assetID = unknownAsset
            add("unknown BACSID", withBody("unknown-bacs") { _ in }, .status([404, 422]))
            cases[cases.count - 1].call.bacsID = unknownBACS
            add("excessive volume", withBody("excessive-volume") { object in
                object["power"] = .array((object["power"]?.arrayValue ?? []).map { slot in
                    var slot = slot.objectValue ?? [:], power = slot["power"]?.objectValue ?? [:]
                    power["value"] = .number((power["value"]?.numberValue ?? 1) * 1000)
                    slot["power"] = .object(power)
                    return .object(slot)
                })
            }, level == .two ? .notAccepted : .status([200, 422]))
        case .confirmFlexRequest:
            add("malformed JSON", { $0.body = Array($0.body.prefix($0.body.count / 2)) + Array("{\"".utf8) }, .status([400]))
            add("unknown requestID", { $0.requestID = unknownRequest }, .status([404, 422]))
        case .realiseFlexRequest:
            add("unknown requestID", { $0.requestID = unknownRequest }, .status([404, 422]))
        case .getBACSAssetsHisto:
            add("unknown AssetID", { $0.assetID = unknownAsset }, .emptyList)
        case .getBACSAssetsConsos:
            add("unknown BACSID", { $0.bacsID = unknownBACS }, .emptyList)
        }
        if authorized {
            cases.append(FlexRobustnessCase(name: "missing token", call: call, withoutAuthorization: true, expected: .status([401])))
        }
        return cases
    }
}

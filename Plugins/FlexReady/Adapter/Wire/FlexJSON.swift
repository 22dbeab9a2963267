package import AdapterKit

/// The JSON forms the adapter writes: answers, the bodies it stores, the assets it lists. Keys
/// are sorted (``JSONValue/jsonText``), so a value always writes the same text.
extension FloatQuantity {
    /// `{"multiplier": …, "unit": …, "value": …}`.
    package var json: JSONValue {
        .object(["unit": .string(unit), "multiplier": .string(multiplier.rawValue), "value": .number(value)])
    }
}

extension PowerSlot {
    /// `{"end": …, "power": …, "start": …}`, times in the seed's form.
    package var json: JSONValue {
        .object(["power": power.json, "start": .string(start.text), "end": .string(end.text)])
    }
}

extension FlexRequestBody {
    /// The body as read, in canonical form: what is stored, and compared when a `requestID` comes again.
    package var json: JSONValue {
        var members: [String: JSONValue] = ["flexProduct": .string(flexProduct.rawValue), "power": .array(power.map(\.json))]
        if let requestID { members["requestID"] = .string(requestID) }
        if let askingPrice { members["askingPrice"] = .number(askingPrice) }
        return .object(members)
    }
}

extension FlexRequestEvaluator.Decision {
    /// The decision's members of the askFlex answer: `status`, and `warnings`, `reason` or the
    /// modified `power`.
    package var json: [String: JSONValue] {
        var members: [String: JSONValue] = ["status": .string(status)]
        switch self {
        case .receivedWithoutCommitment(let warnings): members["warnings"] = .array(warnings.map(JSONValue.string))
        case .accepted: break
        case .refused(let reason): members["reason"] = .string(reason)
        case .modified(let power): members["power"] = .array(power.map(\.json))
        }
        return members
    }

    /// The decision written by ``json``, read back (from storage).
    package init?(json: JSONValue) {
        switch json["status"]?.stringValue {
        case "recuSansEngagement":
            self = .receivedWithoutCommitment(warnings: (json["warnings"]?.arrayValue ?? []).compactMap(\.stringValue))
        case "accepted": self = .accepted
        case "refused": self = .refused(reason: json["reason"]?.stringValue ?? "")
        case "modified":
            guard let items = json["power"] else { return nil }
            var reader = BodyReader()
            guard let power = reader.powerSlots(items, at: JSONPath()) else { return nil }
            self = .modified(power: power)
        default: return nil
        }
    }
}

extension FlexPotential {
    /// The référentiel's `PotentielFlex`: `power`, `notification` (minutes), `maxDuration`
    /// (minutes), `maxActivationsPerDay`, and `timePeriods` (fixed windows) or `yearPeriod` with
    /// `activationPeriods` (`months`, `weekDay`, `hours`).
    package var json: JSONValue {
        var members: [String: JSONValue] = [
            "power": power.json, "notification": .number(Double(mobilizationDelayMinutes)),
            "maxDuration": .number(Double(maxDurationMinutes)), "maxActivationsPerDay": .number(Double(maxActivationsPerDay)),
        ]
        switch availability {
        case .windows(let windows):
            members["timePeriods"] = .array(windows.map { .object(["start": .string($0.start.text), "end": .string($0.end.text)]) })
        case .recurring(let year, let months, let weekdays, let hours):
            func day(_ number: Int64) -> JSONValue { .string(String(FlexTime(secondsSinceEpoch: number * 86_400).text.prefix(10))) }
            func numbers(_ values: Set<Int>) -> JSONValue { .array(values.sorted().map { .number(Double($0)) }) }
            members["yearPeriod"] = .object(["startDay": day(year.startDay), "endDay": day(year.endDay)])
            members["activationPeriods"] = .object(["months": numbers(months), "weekDay": numbers(weekdays), "hours": numbers(hours)])
        }
        return .object(members)
    }
}

extension FlexAsset {
    /// An item of getBACSAssets: `asset`, `flexProduct`, `potentiel` (the référentiel's names).
    package var json: JSONValue {
        .object(["asset": .string(id), "flexProduct": .string(flexProduct.rawValue), "potentiel": .array(potentials.map(\.json))])
    }
}

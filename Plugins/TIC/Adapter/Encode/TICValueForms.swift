import AdapterKit

/// The JSON members of a value's object before its number (`"quality":"valid","quantity":…,
/// "unit":"Wh"`), rendered once per value form (``TICNormalizedValue/Form``) of one family:
/// per frame, ``TICJSONMeasurementWriter`` then writes only the numbers.
struct TICValueForms {
    /// The label index of the family whose forms these are; nil: nothing is kept.
    private var labelIndex: TICLabelTable.Identity?
    private var members: [TICNormalizedValue.Form: [UInt8]] = [:]

    /// Keeps the forms of the family of `labelIndex` (those of another family are forgotten).
    mutating func use(_ labelIndex: TICLabelTable.Identity) {
        guard labelIndex !== self.labelIndex else { return }
        self.labelIndex = labelIndex
        members.removeAll()
    }

    /// The members of `value`'s form, rendered now if they were not yet; nil when no family is
    /// in use. `value`'s register is not its label (those differ within a form).
    mutating func members(of value: TICNormalizedValue) -> [UInt8]? {
        guard labelIndex != nil else { return nil }
        if let rendered = members[value.form] { return rendered }
        var json = TICJSONBuffer(capacity: Self.maximumMembersCount(of: value))
        json.write(atMost: Self.maximumMembersCount(of: value)) { Self.appendMembers(of: value, to: &$0) }
        let rendered = Array(json.bytes)
        members[value.form] = rendered
        return rendered
    }

    /// The most bytes ``appendMembers(of:to:)`` writes for `value`.
    static func maximumMembersCount(of value: TICNormalizedValue) -> Int {
        let quotedCount = value.quantity.count + value.unit.count + (value.register?.count ?? 0)
        return 96 + TICJSONWriter.maximumQuotedCount(quotedCount)
    }

    /// Writes the members of `value` before its number, in key order: phase, quality, quantity,
    /// register, unit.
    static func appendMembers(of value: TICNormalizedValue, to json: inout TICJSONWriter) {
        if value.phase != 0 {
            json.append("\"phase\":")
            json.append(Int(value.phase))
            json.append(",")
        }
        json.append("\"quality\":\"valid\",\"quantity\":")
        json.appendQuoted(value.quantity)
        if let register = value.register, !register.isEmpty {
            json.append(",\"register\":")
            json.appendQuoted(register)
        }
        json.append(",\"unit\":")
        json.appendQuoted(value.unit)
    }
}

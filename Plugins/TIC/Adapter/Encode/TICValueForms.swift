/// Writes values' JSON objects (`{"quality":"valid","quantity":…,"unit":"Wh","value":…}`), with
/// the members before the number rendered once per value form (``TICNormalizedValue/Form``) of
/// one family: per value, ``TICJSONMeasurementWriter`` then copies them and writes the number (and
/// the register, when it is the label as sent).
struct TICValueForms {
    /// Where a form's members are in ``bytes``: those before the register, then those after.
    private struct Rendered {
        var start = 0, split = 0, end = 0
        var isEmpty: Bool { end == 0 }
    }

    /// The label index of the family whose forms these are; nil: nothing is kept.
    private var labelIndex: TICLabelTable.Identity?
    /// The rendered members, one form after the other.
    private var bytes: [UInt8] = []
    /// Each form's, at ``slot(of:)``; empty until rendered.
    private var forms: [Rendered] = []
    /// The forms kept per rule: the data without a unit, and with one of the first three units.
    private static let formsPerRule = 4

    /// Keeps the forms of the family of `labelIndex` (those of another family are forgotten).
    mutating func use(_ labelIndex: TICLabelTable.Identity) {
        guard labelIndex !== self.labelIndex else { return }
        self.labelIndex = labelIndex
        bytes.removeAll()
        forms.removeAll()
    }

    /// Appends `value`'s object to `values`, after a comma unless it is the `first`.
    mutating func write(_ value: TICNormalizedValue, first: Bool, into values: inout TICJSONBuffer) {
        let maximumCount = 2 + Self.maximumMembersCount(of: value) + 16 + TICJSONWriter.maximumNumberCount
        guard let rendered = rendered(value) else {  // no family in use, or a form not kept
            values.write(atMost: maximumCount) { json in
                json.append(first ? "{" : ",{")
                Self.appendMembers(of: value, to: &json)
                Self.appendNumber(of: value, to: &json)
            }
            return
        }
        let register = value.registerIsLabel ? value.register : nil
        bytes.withUnsafeBytes { bytes in
            values.write(atMost: maximumCount) { json in
                json.append(first ? "{" : ",{")
                json.append(UnsafeRawBufferPointer(rebasing: bytes[rendered.start..<rendered.split]))
                if let register { Self.appendRegister(register, to: &json) }
                json.append(UnsafeRawBufferPointer(rebasing: bytes[rendered.split..<rendered.end]))
                Self.appendNumber(of: value, to: &json)
            }
        }
    }

    /// Where the members of `value`'s form are, rendered now if they were not yet; nil when no
    /// family is in use or the form is not kept.
    private mutating func rendered(_ value: TICNormalizedValue) -> Rendered? {
        guard labelIndex != nil, let slot = Self.slot(of: value.form) else { return nil }
        if slot < forms.count, !forms[slot].isEmpty { return forms[slot] }
        if slot >= forms.count { forms += repeatElement(Rendered(), count: slot + 1 - forms.count) }
        var json = TICJSONBuffer(capacity: Self.maximumMembersCount(of: value))
        var split = 0
        json.write(atMost: Self.maximumMembersCount(of: value)) { json in
            Self.appendHead(of: value, to: &json)
            split = json.count
            Self.appendTail(of: value, to: &json)
        }
        let rendered = Rendered(start: bytes.count, split: bytes.count + split, end: bytes.count + json.count)
        bytes += json.bytes
        forms[slot] = rendered
        return rendered
    }

    /// The position of `form` in ``forms``, if it is kept.
    private static func slot(of form: TICNormalizedValue.Form) -> Int? {
        let unit = form.unit.map { $0 + 1 } ?? 0
        return unit < formsPerRule ? form.rule * formsPerRule + unit : nil
    }

    /// The most bytes the members of `value` take.
    private static func maximumMembersCount(of value: TICNormalizedValue) -> Int {
        96 + TICJSONWriter.maximumQuotedCount(value.quantity.count + value.unit.count + (value.register?.count ?? 0))
    }

    /// Writes the members of `value` before its number, in key order: phase, quality, quantity,
    /// register, unit.
    private static func appendMembers(of value: TICNormalizedValue, to json: inout TICJSONWriter) {
        appendHead(of: value, to: &json)
        if value.registerIsLabel, let register = value.register { appendRegister(register, to: &json) }
        appendTail(of: value, to: &json)
    }

    /// The members before a register that is the label: phase, quality, quantity, and the
    /// register when it is not the label.
    private static func appendHead(of value: TICNormalizedValue, to json: inout TICJSONWriter) {
        if value.phase != 0 {
            json.append("\"phase\":")
            json.append(Int(value.phase))
            json.append(",")
        }
        json.append("\"quality\":\"valid\",\"quantity\":")
        json.appendQuoted(value.quantity)
        if !value.registerIsLabel, let register = value.register { appendRegister(register, to: &json) }
    }

    private static func appendRegister(_ register: Slice<UnsafeRawBufferPointer>, to json: inout TICJSONWriter) {
        guard !register.isEmpty else { return }
        json.append(",\"register\":")
        json.appendQuoted(register)
    }

    /// The members after the register: the unit.
    private static func appendTail(of value: TICNormalizedValue, to json: inout TICJSONWriter) {
        json.append(",\"unit\":")
        json.appendQuoted(value.unit)
    }

    /// Ends a value's object with its number (at most 16 bytes and a number).
    private static func appendNumber(of value: TICNormalizedValue, to json: inout TICJSONWriter) {
        if value.number.bitPattern != 0 {  // -0 is written (as 0), +0 is the default
            json.append(",\"value\":")
            json.append(value.number)
        }
        json.append("}")
    }
}

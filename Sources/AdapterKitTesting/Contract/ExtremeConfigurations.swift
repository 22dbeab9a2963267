public import AdapterKit

/// Configurations that differ from a valid one by one extreme value: each number and integer of
/// the schema set to huge, tiny, negative or zero values, each string empty, very long or full
/// of control characters, each array emptied or made very long. Give each to the adapter's
/// `validate` and, when accepted, create and run the adapter: none may trap (the host process
/// would die with it).
///
/// ```swift
/// for variant in ExtremeConfigurations.variants(of: baseJSON, schema: MyAdapter.description.configurationSchema) {
///     guard host.validate(MyAdapter.self, configuration: variant.json).isEmpty else { continue }
///     let adapter = try host.makeAdapter(MyAdapter.self, configuration: variant.json)
///     try await host.run(adapter) { _ in try await Task.sleep(for: .milliseconds(20)) }
/// }
/// ```
public enum ExtremeConfigurations {
    /// One configuration: `path` names the changed key (`points[0].topic`).
    public struct Variant: Sendable, CustomStringConvertible {
        public var path: String
        public var json: String
        public var description: String { "\(path) in \(json.prefix(300))" }
    }

    /// Numbers at the edges of what JSON, `Double`, `Int` and `Duration` hold.
    public static let numbers: [Double] = [
        -1e308, -9.3e18, -4_294_967_296, -1, 0, 1e-300, 0.5, 1, 65_536, 4_294_967_296, 9.3e18, 1e308,
    ]

    /// Strings that are empty, huge, or made of control and odd characters.
    public static let strings: [String] = [
        "", String(repeating: "x", count: 10_000), "\u{0}\n\r\t\"\\", "../escape", "é✓\u{202E}", "+/#",
    ]

    /// Every variant of `base` (a JSON object valid for `schema`) with one value made extreme.
    public static func variants(of base: String, schema: JSONSchema) -> [Variant] {
        guard let value = try? JSONValue.parse(base) else { return [] }
        var found: [Variant] = []
        walk(value, schema: schema.value, path: "") { path, values, apply in
            for replacement in values {
                found.append(Variant(path: path, json: apply(replacement).jsonText))
            }
        }
        return found
    }

    private static func replacements(for schema: JSONValue) -> [JSONValue] {
        let types: [String] =
            switch schema["type"] {
            case .string(let type)?: [type]
            case .array(let list)?: list.compactMap(\.stringValue)
            default: []
            }
        var values: [JSONValue] = []
        if types.contains("number") || types.contains("integer") { values += numbers.map(JSONValue.number) }
        if types.contains("string") { values += strings.map(JSONValue.string) }
        if types.contains("array") { values.append(.array([])) }
        return values
    }

    /// Calls `visit` for every key of `value` that its object schema describes, with the extreme
    /// values to try there and how to rebuild the whole configuration with one of them; descends
    /// into objects and into the first item of arrays of objects, and offers a very long copy of
    /// each array.
    private static func walk(
        _ value: JSONValue,
        schema: JSONValue,
        path: String,
        rebuild: @escaping (JSONValue) -> JSONValue = { $0 },
        visit: (String, [JSONValue], (JSONValue) -> JSONValue) -> Void
    ) {
        guard case .object(let members) = value, let properties = schema["properties"]?.objectValue else { return }
        for (key, propertySchema) in properties.sorted(by: { $0.key < $1.key }) {
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            let replaceKey: (JSONValue) -> JSONValue = { replacement in
                var changed = members
                changed[key] = replacement
                return rebuild(.object(changed))
            }
            visit(keyPath, replacements(for: propertySchema), replaceKey)
            switch members[key] {
            case .object(let nested)?:
                walk(.object(nested), schema: propertySchema, path: keyPath, rebuild: replaceKey, visit: visit)
            case .array(let items)? where !items.isEmpty:
                visit("\(keyPath)[×100]", [.array(Array(repeating: items[0], count: 100))], replaceKey)
                guard let itemSchema = propertySchema["items"] else { continue }
                walk(items[0], schema: itemSchema, path: "\(keyPath)[0]", rebuild: { item in
                    var changed = items
                    changed[0] = item
                    return replaceKey(.array(changed))
                }, visit: visit)
            default:
                continue
            }
        }
    }
}

public import AdapterKit

/// Checks that a configuration type and its JSON Schema say the same thing, so that each setting's
/// name, type, allowed values and default live in one place and nothing drifts.
///
/// The schema is the one source of defaults, ranges and allowed values: the host validates
/// against it and fills its defaults in before the type is decoded, so the Swift type carries no
/// default of its own. This check fails when the two disagree:
/// - a key of the schema that the type never reads, or a key the type reads that the schema lacks;
/// - a type that does not match (`Int` for `"integer"`, `Double` for `"number"`, `Bool`, `String`,
///   arrays, maps, nested objects);
/// - an enumeration whose cases are not exactly the schema's `enum`;
/// - a non-optional property whose key is neither required nor defaulted by the schema, or an
///   optional one that the schema requires or defaults (it could never be nil);
/// - a default that the schema itself refuses (outside its range or its `enum`).
///
/// ```swift
/// @Test func configurationMatchesItsSchema() {
///     #expect(ConfigurationContract.violations(of: MyAdapter.self) == [])
/// }
/// ```
public enum ConfigurationContract {
    /// Every disagreement between `A.Configuration` and `A.description.configurationSchema`.
    public static func violations<A: Adapter>(of adapter: A.Type) -> [String] {
        violations(of: A.Configuration.self, schema: A.description.configurationSchema, at: "config")
    }

    /// Every disagreement between `type` and `schema`; `path` names the root in the messages.
    /// Messages about the paths in `ignoring` (free JSON the type does not decode, such as an
    /// adapter's `config` inside the host's document) are left out.
    public static func violations<T: Decodable>(
        of type: T.Type,
        schema: JSONSchema,
        at path: String,
        ignoring: Set<String> = []
    ) -> [String] {
        var found: [String] = []
        compare(DecodingShape.of(type), schema.value, path, &found)
        return found.filter { message in !ignoring.contains { message.hasPrefix($0 + ":") || message.hasPrefix($0 + ".") } }
    }

    private static func compare(_ shape: DecodingShape, _ schema: JSONValue, _ path: String, _ found: inout [String]) {
        let type = schemaType(schema)
        if let defaultValue = schema["default"] {
            let issues = SchemaValidator().validate(defaultValue, against: schema, at: JSONPath())
            for issue in issues { found.append("\(path): the default \(defaultValue.jsonText) is refused by the schema: \(issue.message)") }
        }
        switch shape {
        case .bool: expect(type, ["boolean"], shape, path, &found)
        case .integer: expect(type, ["integer"], shape, path, &found)
        case .number: expect(type, ["number", "integer"], shape, path, &found)
        case .string:
            expect(type, ["string"], shape, path, &found)
        case .enumeration(let values):
            let allowed = (schema["enum"]?.arrayValue ?? []).map { $0.stringValue ?? $0.jsonText }
            if Set(allowed) != Set(values) {
                found.append("\(path): the type accepts \(values.sorted()), the schema \(allowed.sorted())")
            }
        case .array(let items):
            expect(type, ["array"], shape, path, &found)
            if let itemSchema = schema["items"] { compare(items, itemSchema, path + "[]", &found) }
        case .map(let values):
            expect(type, ["object"], shape, path, &found)
            if let valueSchema = schema["additionalProperties"], valueSchema.objectValue != nil {
                compare(values, valueSchema, path + ".*", &found)
            } else {
                found.append("\(path): the type is a map, the schema has no additionalProperties schema")
            }
        case .object(let fields):
            expect(type, ["object"], shape, path, &found)
            compareObject(fields, schema, path, &found)
        case .opaque(let name):
            found.append("\(path): \(name) cannot be traced (decode it from a primitive, an enumeration, an array, a map or an object)")
        }
    }

    private static func compareObject(
        _ fields: [String: DecodingShape.Field],
        _ schema: JSONValue,
        _ path: String,
        _ found: inout [String]
    ) {
        let properties = schema["properties"]?.objectValue ?? [:]
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        let keys = Dictionary(uniqueKeysWithValues: fields.map { (ConfigurationDecoder.snakeCase($0.key), $0.value) })
        for name in properties.keys.sorted() where keys[name] == nil {
            found.append("\(path).\(name): in the schema, never read by the type")
        }
        for name in keys.keys.sorted() {
            let field = keys[name]!
            guard let property = properties[name] else {
                found.append("\(path).\(name): read by the type, missing from the schema")
                continue
            }
            let hasDefault = property["default"] != nil
            if !field.optional && !required.contains(name) && !hasDefault {
                found.append("\(path).\(name): not optional in the type, but neither required nor defaulted by the schema")
            }
            if field.optional && (required.contains(name) || hasDefault) {
                found.append("\(path).\(name): optional in the type, but the schema \(hasDefault ? "gives it a default" : "requires it")")
            }
            compare(field.shape, property, "\(path).\(name)", &found)
        }
    }

    private static func schemaType(_ schema: JSONValue) -> [String] {
        switch schema["type"] {
        case .string(let type): [type]
        case .array(let types): types.compactMap(\.stringValue)
        default: []
        }
    }

    /// The schema's type must be one the type reads (a schema may allow more, such as a
    /// subscription given as a string or an object, when the type decodes both).
    private static func expect(_ types: [String], _ accepted: Set<String>, _ shape: DecodingShape, _ path: String, _ found: inout [String]) {
        guard types.contains(where: accepted.contains) else {
            found.append("\(path): the type reads \(shape), the schema says \(types.isEmpty ? "no type" : types.joined(separator: " or "))")
            return
        }
    }
}

/// A JSON Schema (the subset the host validates) describing an adapter's configuration.
///
/// The host validates every instance's `config` against it before anything starts, and reports
/// each violation with its JSON path. Build one with the static helpers:
///
/// ```swift
/// static let schema = JSONSchema.object([
///     "path": .string(description: "Output file, relative to the data directory", default: "events.jsonl"),
///     "max_bytes": .integer(description: "Rotate above this size", minimum: 1024, default: 10_485_760),
/// ])
/// ```
///
/// Supported keywords: `type`, `properties`, `required`, `additionalProperties`, `enum`, `minimum`,
/// `maximum`, `minLength`, `maxLength`, `pattern`, `items`, `minItems`, `maxItems`, `default`,
/// `description`, and `x-secret` (the value must be a `${ENV}` or `file:` reference, never clear text).
public struct JSONSchema: Sendable, Hashable {
    package var value: JSONValue

    package init(value: JSONValue) {
        self.value = value
    }

    /// The schema as JSON text.
    public var jsonText: String { value.jsonText }

    /// An object with the given properties. Unknown keys are rejected unless `additionalProperties`.
    /// With `filledWhenMissing`, a missing object is filled in as `{}` with its properties'
    /// defaults (its `default` is `{}`), so that code reading it always finds them.
    public static func object(
        _ properties: [String: JSONSchema],
        required: [String] = [],
        additionalProperties: Bool = false,
        description: String? = nil,
        filledWhenMissing: Bool = false
    ) -> JSONSchema {
        var schema: [String: JSONValue] = [
            "type": .string("object"),
            "properties": .object(properties.mapValues(\.value)),
            "additionalProperties": .bool(additionalProperties),
        ]
        if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
        if let description { schema["description"] = .string(description) }
        if filledWhenMissing { schema["default"] = .object([:]) }
        return JSONSchema(value: .object(schema))
    }

    /// A string, optionally restricted to `oneOf` values, a regular expression `pattern` or lengths.
    /// A `secret` must be given as a `${ENV_NAME}` or `file:/path` reference in adapters.json.
    public static func string(
        description: String? = nil,
        default defaultValue: String? = nil,
        oneOf allowed: [String]? = nil,
        pattern: String? = nil,
        minLength: Int? = nil,
        secret: Bool = false
    ) -> JSONSchema {
        var schema: [String: JSONValue] = ["type": .string("string")]
        if let description { schema["description"] = .string(description) }
        if let defaultValue { schema["default"] = .string(defaultValue) }
        if let allowed { schema["enum"] = .array(allowed.map(JSONValue.string)) }
        if let pattern { schema["pattern"] = .string(pattern) }
        if let minLength { schema["minLength"] = .number(Double(minLength)) }
        if secret { schema["x-secret"] = .bool(true) }
        return JSONSchema(value: .object(schema))
    }

    /// A whole number within optional bounds.
    public static func integer(
        description: String? = nil,
        minimum: Int? = nil,
        maximum: Int? = nil,
        default defaultValue: Int? = nil,
        oneOf allowed: [Int]? = nil
    ) -> JSONSchema {
        numeric("integer", description, minimum.map(Double.init), maximum.map(Double.init),
                defaultValue.map(Double.init), allowed?.map(Double.init))
    }

    /// A number within optional bounds.
    public static func number(
        description: String? = nil,
        minimum: Double? = nil,
        maximum: Double? = nil,
        default defaultValue: Double? = nil
    ) -> JSONSchema {
        numeric("number", description, minimum, maximum, defaultValue, nil)
    }

    /// `true` or `false`.
    public static func boolean(description: String? = nil, default defaultValue: Bool? = nil) -> JSONSchema {
        var schema: [String: JSONValue] = ["type": .string("boolean")]
        if let description { schema["description"] = .string(description) }
        if let defaultValue { schema["default"] = .bool(defaultValue) }
        return JSONSchema(value: .object(schema))
    }

    /// An array whose items all match `items`.
    public static func array(
        of items: JSONSchema,
        description: String? = nil,
        minItems: Int? = nil,
        maxItems: Int? = nil
    ) -> JSONSchema {
        var schema: [String: JSONValue] = ["type": .string("array"), "items": items.value]
        if let description { schema["description"] = .string(description) }
        if let minItems { schema["minItems"] = .number(Double(minItems)) }
        if let maxItems { schema["maxItems"] = .number(Double(maxItems)) }
        return JSONSchema(value: .object(schema))
    }

    /// An object whose keys are free and whose values all match `values` (a map).
    public static func map(of values: JSONSchema, description: String? = nil) -> JSONSchema {
        var schema: [String: JSONValue] = ["type": .string("object"), "additionalProperties": values.value]
        if let description { schema["description"] = .string(description) }
        return JSONSchema(value: .object(schema))
    }

    private static func numeric(
        _ type: String,
        _ description: String?,
        _ minimum: Double?,
        _ maximum: Double?,
        _ defaultValue: Double?,
        _ allowed: [Double]?
    ) -> JSONSchema {
        var schema: [String: JSONValue] = ["type": .string(type)]
        if let description { schema["description"] = .string(description) }
        if let minimum { schema["minimum"] = .number(minimum) }
        if let maximum { schema["maximum"] = .number(maximum) }
        if let defaultValue { schema["default"] = .number(defaultValue) }
        if let allowed { schema["enum"] = .array(allowed.map(JSONValue.number)) }
        return JSONSchema(value: .object(schema))
    }
}

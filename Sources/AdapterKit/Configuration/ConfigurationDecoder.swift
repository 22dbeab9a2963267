import Foundation

/// Decodes an adapter's typed configuration from its JSON, with errors that name the JSON path.
package enum ConfigurationDecoder {
    /// Decodes `type` from `json` (snake_case keys map to camelCase properties), after filling
    /// the keys that `schema` gives a default for, and checking the value against `schema`.
    package static func decode<Configuration: Decodable>(
        _ type: Configuration.Type,
        from json: String,
        schema: JSONSchema
    ) throws -> Configuration {
        let value: JSONValue
        do {
            value = applyDefaults(of: schema.value, to: try JSONValue.parse(json))
        } catch {
            throw AdapterError(.invalidConfiguration, "config: \(error)")
        }
        let issues = SchemaValidator().validate(value, against: schema.value, at: JSONPath([.key("config")]))
        guard issues.isEmpty else {
            throw AdapterError(.invalidConfiguration, issues.map(\.description).joined(separator: "; "))
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: Data(value.jsonText.utf8))
        } catch let error as DecodingError {
            throw AdapterError(.invalidConfiguration, describe(error, under: JSONPath([.key("config")])))
        }
    }

    /// `value` with the defaults of `schema` filled in where keys are missing, recursively.
    package static func applyDefaults(of schema: JSONValue, to value: JSONValue) -> JSONValue {
        guard case .object(var members) = value, let properties = schema["properties"]?.objectValue else {
            if case .array(let items) = value, let itemSchema = schema["items"] {
                return .array(items.map { applyDefaults(of: itemSchema, to: $0) })
            }
            return value
        }
        for (key, propertySchema) in properties {
            if let member = members[key] {
                members[key] = applyDefaults(of: propertySchema, to: member)
            } else if let defaultValue = propertySchema["default"] {
                members[key] = applyDefaults(of: propertySchema, to: defaultValue)
            }
        }
        return .object(members)
    }

    /// A decoding error as an operator reads it: the path of the value under `root`, in the
    /// document's own snake_case names, and what was expected in JSON terms (never Swift types).
    package static func describe(_ error: DecodingError, under root: JSONPath) -> String {
        let (path, message) = issue(of: error, under: root)
        return "\(path): \(message)"
    }

    /// The path and message of ``describe(_:under:)``, apart.
    package static func issue(of error: DecodingError, under root: JSONPath) -> (path: JSONPath, message: String) {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> JSONPath {
            var components = root
            for key in codingPath + (last.map { [$0] } ?? []) {
                if let index = key.intValue { components = components.appending(index) }
                else { components = components.appending(snakeCase(key.stringValue)) }
            }
            return components
        }
        switch error {
        case .keyNotFound(let key, let context):
            return (path(context.codingPath, key), "is required")
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "expected \(jsonName(of: type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "expected \(jsonName(of: type)), found null")
        case .dataCorrupted(let context):
            return (path(context.codingPath), context.debugDescription)
        @unknown default:
            return (root, "cannot be read")
        }
    }

    /// What a Swift type is called in JSON terms.
    private static func jsonName(of type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Dictionary") { return "an object" }
        if name.hasPrefix("Array") { return "an array" }
        if name == "String" { return "a string" }
        if name == "Bool" { return "true or false" }
        if ["Int", "Int64", "Int32", "UInt64", "UInt32", "UInt16", "UInt8", "Int16", "Int8", "UInt"].contains(name) { return "an integer" }
        if ["Double", "Float"].contains(name) { return "a number" }
        return "another kind of value"
    }

    /// `maxBytes` -> `max_bytes`, `deviceID` -> `device_id` (a run of capitals is one word).
    package static func snakeCase(_ key: String) -> String {
        var out = ""
        var previousWasUpper = false
        for character in key {
            if character.isUppercase {
                if !previousWasUpper && !out.isEmpty { out += "_" }
                out += character.lowercased()
                previousWasUpper = true
            } else {
                out.append(character)
                previousWasUpper = false
            }
        }
        return out
    }
}

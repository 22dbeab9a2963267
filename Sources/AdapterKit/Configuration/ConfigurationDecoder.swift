import Foundation

/// Decodes an adapter's typed configuration from its JSON, with errors that name the JSON path.
package enum ConfigurationDecoder {
    /// Decodes `type` from `json` (snake_case keys map to camelCase properties).
    package static func decode<Configuration: Decodable>(_ type: Configuration.Type, from json: String) throws
        -> Configuration
    {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: Data(json.utf8))
        } catch let error as DecodingError {
            throw AdapterError(.invalidConfiguration, describe(error))
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            var components = JSONPath([.key("config")])
            for key in codingPath + (last.map { [$0] } ?? []) {
                if let index = key.intValue { components = components.appending(index) }
                else { components = components.appending(snakeCase(key.stringValue)) }
            }
            return components.description
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath, key)): is required"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(type), found null"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func snakeCase(_ key: String) -> String {
        var out = ""
        for character in key {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }
}

import AdapterKit
import Foundation

/// Resolves references in configuration strings:
/// - `${NAME}` anywhere in a string is replaced by the environment variable NAME;
/// - a value whose schema is marked `x-secret` must be exactly `${NAME}` or `file:/path` (the
///   file's content, trailing newline removed); clear text is refused so secrets stay out of files.
///
/// The paths of secret values are collected so that no message ever shows them.
struct SecretResolver {
    var environment: [String: String]
    /// Relative `file:` paths are resolved against this directory.
    var baseDirectory: String
    private(set) var issues: [JSONIssue] = []
    private(set) var secretPaths: Set<JSONPath> = []

    init(environment: [String: String], baseDirectory: String) {
        self.environment = environment
        self.baseDirectory = baseDirectory
    }

    /// Resolves every string of `value`; `schema` (when known) tells which values are secret.
    mutating func resolve(_ value: JSONValue, schema: JSONValue?, at path: JSONPath) -> JSONValue {
        switch value {
        case .string(let text):
            if let schema, SchemaValidator.isSecret(schema) {
                secretPaths.insert(path)
                return .string(resolveSecret(text, at: path))
            }
            return .string(substitute(text, at: path))
        case .array(let items):
            let itemSchema = schema?["items"]
            return .array(items.enumerated().map { resolve($1, schema: itemSchema, at: path.appending($0)) })
        case .object(let members):
            var resolved: [String: JSONValue] = [:]
            for (key, member) in members {
                let memberSchema = schema?["properties"]?[key] ?? schema?["additionalProperties"].flatMap {
                    $0.objectValue == nil ? nil : $0
                }
                resolved[key] = resolve(member, schema: memberSchema, at: path.appending(key))
            }
            return .object(resolved)
        case .null, .bool, .number:
            return value
        }
    }

    private mutating func resolveSecret(_ text: String, at path: JSONPath) -> String {
        if text.hasPrefix("file:") {
            var file = String(text.dropFirst("file:".count))
            if !file.hasPrefix("/") { file = URL(fileURLWithPath: baseDirectory).appendingPathComponent(file).path }
            guard let content = FileManager.default.contents(atPath: file), let secret = String(data: content, encoding: .utf8)
            else {
                issues.append(JSONIssue(path: path, message: "secret file \(file) cannot be read"))
                return ""
            }
            return secret.hasSuffix("\n") ? String(secret.dropLast()) : secret
        }
        guard text.hasPrefix("${"), text.hasSuffix("}"), text.filter({ $0 == "$" }).count == 1 else {
            issues.append(JSONIssue(path: path, message: "is a secret: give it as ${ENV_NAME} or file:/path, not in clear"))
            return ""
        }
        return substitute(text, at: path)
    }

    private mutating func substitute(_ text: String, at path: JSONPath) -> String {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = text[...]
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                issues.append(JSONIssue(path: path, message: "unterminated ${ in \"\(text)\""))
                return text
            }
            let name = String(rest[start.upperBound..<end])
            if let value = environment[name] {
                out += value
            } else {
                issues.append(JSONIssue(path: path, message: "environment variable \(name) is not set"))
            }
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }
}

/// A location inside a JSON document, rendered as `sites[0].adapters[2].config.baud`.
package struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    package enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    package var components: [Component]

    package init(_ components: [Component] = []) {
        self.components = components
    }

    package func appending(_ key: String) -> JSONPath {
        JSONPath(components + [.key(key)])
    }

    package func appending(_ index: Int) -> JSONPath {
        JSONPath(components + [.index(index)])
    }

    package var description: String {
        var out = ""
        for component in components {
            switch component {
            case .key(let key):
                if !out.isEmpty { out += "." }
                out += key
            case .index(let index):
                out += "[\(index)]"
            }
        }
        return out.isEmpty ? "(root)" : out
    }
}

/// One problem found in a JSON document, with where it is.
package struct JSONIssue: Sendable, Hashable, CustomStringConvertible {
    package var path: JSONPath
    package var message: String

    package init(path: JSONPath, message: String) {
        self.path = path
        self.message = message
    }

    package var description: String { "\(path): \(message)" }
}

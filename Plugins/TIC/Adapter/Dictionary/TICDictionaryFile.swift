import AdapterKit
import Foundation

/// Loads meter families from JSON files (docs/tic.md, "Adding a meter family").
public enum TICDictionaryFile {
    /// The built-in families, then those of `paths` (a family of the same name replaces the built-in one).
    public static func families(adding paths: [String]) throws -> [TICFamily] {
        var families = TICFamily.builtIn
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw AdapterError(.invalidConfiguration, "cannot read \(path)")
            }
            let loaded: [TICFamily]
            do {
                let decoder = JSONDecoder()
                if let first = data.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "[") {
                    loaded = try decoder.decode([TICFamily].self, from: data)
                } else {
                    loaded = [try decoder.decode(TICFamily.self, from: data)]
                }
            } catch let error as DecodingError {
                throw AdapterError(.invalidConfiguration, "\(path): \(Self.describe(error))")
            }
            for family in loaded {
                if let speed = family.baudRates.first(where: { !TICFamily.lineSpeeds.contains($0) }) {
                    throw AdapterError(.invalidConfiguration, "\(path): family \(family.name): baud rate \(speed) is not one of 1200, 2400, 4800, 9600, 19200")
                }
                families.removeAll { $0.name == family.name }
                families.append(family)
            }
        }
        return families
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "$" : "$" + path
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)): missing \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

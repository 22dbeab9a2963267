/// What a `Decodable` type asks of its decoder: the keys it reads, with the shape of each value.
///
/// Found by decoding the type from a tracing decoder that answers every request with a placeholder
/// (the first case of an enumeration, zero, an empty string) and records the request. Used by
/// ``ConfigurationContract`` to compare a configuration type with its JSON Schema.
indirect enum DecodingShape: Equatable, CustomStringConvertible {
    case bool
    case integer
    case number
    case string
    /// A `RawRepresentable & CaseIterable` value: the raw values it accepts.
    case enumeration([String])
    case array(DecodingShape)
    /// A dictionary with string keys.
    case map(DecodingShape)
    case object([String: Field])
    /// A type the tracer cannot see into (it decoded without asking for anything it understands).
    case opaque(String)

    /// One key of an object: its shape, and whether the type reads it with `decodeIfPresent`.
    struct Field: Equatable {
        var shape: DecodingShape
        var optional: Bool
    }

    var description: String {
        switch self {
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .enumeration(let values): "one of \(values.sorted())"
        case .array(let items): "array of \(items)"
        case .map(let values): "map of \(values)"
        case .object: "object"
        case .opaque(let name): name
        }
    }

    /// The shape of `type`, traced.
    static func of<T: Decodable>(_ type: T.Type) -> DecodingShape {
        let recorder = ShapeRecorder()
        _ = try? recorder.trace(type)
        return recorder.result ?? .opaque(String(describing: type))
    }
}

/// Dictionaries with string keys expose their value type to the tracer (their own `init(from:)`
/// asks for the keys present, of which the tracer has none).
protocol StringKeyedMap {
    static var valueType: any Decodable.Type { get }
}

extension Dictionary: StringKeyedMap where Key == String, Value: Decodable {
    static var valueType: any Decodable.Type { Value.self }
}

/// Decodes a type from placeholders while recording what it asks for.
final class ShapeRecorder {
    /// The shape of the value decoded at this level.
    var result: DecodingShape?

    func trace<T: Decodable>(_ type: T.Type) throws -> T {
        if let shape = Self.primitive(type) {
            result = shape
            return try T(from: PlaceholderDecoder(shape: shape, recorder: self))
        }
        if let enumeration = type as? any (CaseIterable & RawRepresentable).Type {
            let values = Self.rawValues(of: enumeration)
            result = .enumeration(values)
            let first = values.first.map { JSONLikeScalar.string($0) } ?? .string("")
            return try T(from: ScalarDecoder(value: Self.firstRawValue(of: enumeration) ?? first))
        }
        if let map = type as? any StringKeyedMap.Type {
            let values = ShapeRecorder()
            _ = try? values.traceOpened(map.valueType)
            result = .map(values.result ?? .opaque("\(map.valueType)"))
            return try T(from: EmptyObjectDecoder())
        }
        return try T(from: PlaceholderDecoder(shape: nil, recorder: self))
    }

    func traceOpened(_ type: any Decodable.Type) throws -> any Decodable {
        try trace(type)
    }

    private static func primitive(_ type: Any.Type) -> DecodingShape? {
        switch type {
        case is Bool.Type: .bool
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type, is UInt32.Type: .integer
        case is Double.Type, is Float.Type: .number
        case is String.Type: .string
        default: nil
        }
    }

    private static func rawValues(of type: any (CaseIterable & RawRepresentable).Type) -> [String] {
        func values<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> [String] {
            type.allCases.map { "\($0.rawValue)" }
        }
        return values(type)
    }

    private static func firstRawValue(of type: any (CaseIterable & RawRepresentable).Type) -> JSONLikeScalar? {
        func first<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> JSONLikeScalar? {
            switch type.allCases.first?.rawValue {
            case let string as String: .string(string)
            case let integer as Int: .integer(integer)
            default: nil
            }
        }
        return first(type)
    }
}

/// A scalar a ``ScalarDecoder`` hands out.
enum JSONLikeScalar {
    case string(String)
    case integer(Int)
}

/// The tracing decoder of ``ShapeRecorder``: answers with placeholders and records the requests.
struct PlaceholderDecoder: Decoder {
    /// The primitive this decoder stands for, or nil for a value the type reads itself.
    let shape: DecodingShape?
    let recorder: ShapeRecorder
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        if recorder.result == nil { recorder.result = .object([:]) }
        return KeyedDecodingContainer(RecordingKeyedContainer<Key>(recorder: recorder))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        RecordingUnkeyedContainer(recorder: recorder)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        RecordingSingleValue(recorder: recorder, shape: shape)
    }
}

/// Placeholders of the primitive types.
private func placeholder<T>(_ type: T.Type) throws -> T {
    let value: Any? = switch type {
    case is Bool.Type: false
    case is String.Type: ""
    case is Double.Type: 0.0
    case is Float.Type: Float(0)
    case is Int.Type: 0
    case is Int8.Type: Int8(0)
    case is Int16.Type: Int16(0)
    case is Int32.Type: Int32(0)
    case is Int64.Type: Int64(0)
    case is UInt.Type: UInt(0)
    case is UInt8.Type: UInt8(0)
    case is UInt16.Type: UInt16(0)
    case is UInt32.Type: UInt32(0)
    case is UInt64.Type: UInt64(0)
    default: nil
    }
    guard let typed = value as? T else {
        throw DecodingError.typeMismatch(type, .init(codingPath: [], debugDescription: "no placeholder"))
    }
    return typed
}

/// The shape of a primitive read directly from a container.
private func primitiveShape(_ type: Any.Type) -> DecodingShape {
    switch type {
    case is Bool.Type: .bool
    case is String.Type: .string
    case is Double.Type, is Float.Type: .number
    default: .integer
    }
}

private struct RecordingKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let recorder: ShapeRecorder
    /// Keys asked `decodeNil` first: the synthesized `decodeIfPresent` does so, so they are optional.
    private let nilAsked = NilAskedKeys()
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { [] }

    init(recorder: ShapeRecorder) {
        self.recorder = recorder
    }

    func contains(_ key: Key) -> Bool { true }

    func decodeNil(forKey key: Key) throws -> Bool {
        nilAsked.keys.insert(key.stringValue)
        return false
    }

    private func record(_ key: Key, _ shape: DecodingShape) {
        guard case .object(var fields) = recorder.result ?? .object([:]) else { return }
        fields[key.stringValue] = .init(shape: shape, optional: nilAsked.keys.contains(key.stringValue))
        recorder.result = .object(fields)
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let nested = ShapeRecorder()
        let value = try nested.trace(type)
        record(key, nested.result ?? .opaque("\(type)"))
        return value
    }

    private func primitive<T>(_ type: T.Type, _ key: Key) throws -> T {
        record(key, primitiveShape(type))
        return try placeholder(type)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try primitive(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try primitive(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try primitive(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try primitive(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try primitive(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try primitive(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try primitive(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try primitive(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try primitive(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try primitive(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try primitive(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try primitive(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try primitive(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try primitive(type, key) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "nested containers are not traced"))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [key], debugDescription: "nested containers are not traced"))
    }

    func superDecoder() throws -> any Decoder { PlaceholderDecoder(shape: nil, recorder: ShapeRecorder()) }
    func superDecoder(forKey key: Key) throws -> any Decoder { PlaceholderDecoder(shape: nil, recorder: ShapeRecorder()) }
}

/// The keys a keyed container was asked `decodeNil` for (the container itself is a value).
private final class NilAskedKeys {
    var keys: Set<String> = []
}

/// An array of one element, whose shape is recorded as the items' shape.
private struct RecordingUnkeyedContainer: UnkeyedDecodingContainer {
    let recorder: ShapeRecorder
    var codingPath: [any CodingKey] { [] }
    var count: Int? { 1 }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex >= 1 }

    init(recorder: ShapeRecorder) {
        self.recorder = recorder
    }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        currentIndex += 1
        let items = ShapeRecorder()
        let value = try items.trace(type)
        recorder.result = .array(items.result ?? .opaque("\(type)"))
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        throw DecodingError.typeMismatch(type, .init(codingPath: [], debugDescription: "nested containers are not traced"))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "nested containers are not traced"))
    }

    mutating func superDecoder() throws -> any Decoder { PlaceholderDecoder(shape: nil, recorder: ShapeRecorder()) }
}

/// A single value: the primitive the decoder stands for, or what the type reads (recorded).
private struct RecordingSingleValue: SingleValueDecodingContainer {
    let recorder: ShapeRecorder
    let shape: DecodingShape?
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if shape == nil, let primitiveValue = try? placeholder(type) {
            recorder.result = primitiveShape(type)
            return primitiveValue
        }
        if shape != nil { return try placeholder(type) }
        let value = try recorder.trace(type)
        return value
    }
}

/// Hands out one scalar: the first raw value of an enumeration being traced.
struct ScalarDecoder: Decoder, SingleValueDecodingContainer {
    let value: JSONLikeScalar
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw DecodingError.typeMismatch(type, .init(codingPath: [], debugDescription: "a scalar"))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "a scalar"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let scalar: Any = switch value {
        case .string(let string): string
        case .integer(let integer): integer
        }
        guard let typed = scalar as? T else {
            throw DecodingError.typeMismatch(type, .init(codingPath: [], debugDescription: "not \(type)"))
        }
        return typed
    }
}

/// An empty JSON object: what a traced dictionary decodes from.
struct EmptyObjectDecoder: Decoder {
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(EmptyKeyedContainer<Key>())
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "an object"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "an object"))
    }
}

private struct EmptyKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { [] }
    func contains(_ key: Key) -> Bool { false }
    func decodeNil(forKey key: Key) throws -> Bool { true }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "empty"))
    }
    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "empty"))
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "empty"))
    }
    func superDecoder() throws -> any Decoder { EmptyObjectDecoder() }
    func superDecoder(forKey key: Key) throws -> any Decoder { EmptyObjectDecoder() }
}

/// An error from an adapter or from AdapterKit, with a stable code and a human message.
///
/// Codes are extensible: compare against the static members of ``Code`` rather than switching
/// exhaustively.
public struct AdapterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidConfiguration, invalidEvent, stopped, overloaded, failed
        }

        private let value: Value

        /// The configuration does not match the adapter's schema or its own rules.
        public static let invalidConfiguration = Code(value: .invalidConfiguration)
        /// An event is malformed or of the wrong kind.
        public static let invalidEvent = Code(value: .invalidEvent)
        /// The adapter is not running (publish before start or after stop).
        public static let stopped = Code(value: .stopped)
        /// The host refused an event: a lossless subscriber is full.
        public static let overloaded = Code(value: .overloaded)
        /// Anything else.
        public static let failed = Code(value: .failed)

        public var description: String {
            switch value {
            case .invalidConfiguration: "invalid configuration"
            case .invalidEvent: "invalid event"
            case .stopped: "stopped"
            case .overloaded: "overloaded"
            case .failed: "failed"
            }
        }
    }

    /// The stable code of the failure.
    public var code: Code
    /// The human-readable message, also the error's description.
    public var message: String
    /// The file that created the error (`#fileID` by default).
    public var file: String
    /// The line that created the error (`#line` by default).
    public var line: Int

    /// Creates an error; `file` and `line` default to the caller's location.
    public init(_ code: Code, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { message }

    public static func == (lhs: AdapterError, rhs: AdapterError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}

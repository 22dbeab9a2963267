/// Why a library could not be used as an adapter. Each code has its own message, naming the file.
public struct PluginLoadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare against the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// No `lib<Name>.so` in the plugin directory.
        public static let notFound = Code("not found")
        /// dlopen failed (missing dependency, wrong architecture, not a shared library...).
        public static let openFailed = Code("cannot open")
        /// The library has no entry symbol: it is not an adapter.
        public static let notAPlugin = Code("not a plugin")
        /// The descriptor does not start with the AdapterKit magic.
        public static let badMagic = Code("bad magic")
        /// Built against another major version of the ABI, or with an older descriptor layout.
        public static let abiMismatch = Code("ABI version mismatch")
        /// Built by another Swift toolchain than the host's.
        public static let toolchainMismatch = Code("toolchain mismatch")
        /// A required function pointer or string of the descriptor is missing.
        public static let missingSymbol = Code("missing symbol")
        /// The manifest JSON is malformed.
        public static let invalidManifest = Code("invalid manifest")
        /// Opened in a runner process first, the library crashed, exited or hung while loading.
        public static let unsafeToLoad = Code("unsafe to load")
        /// The adapter refused to create an instance (a transient failure: restarted with backoff).
        public static let createRefused = Code("create refused")
        /// The adapter refused the instance's configuration (permanent: never restarted as is).
        public static let invalidConfiguration = Code("invalid configuration")

        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The library's path (or the plugin name when not found).
    public var library: String
    /// What went wrong, in words.
    public var message: String

    /// Creates an error about `library`.
    public init(_ code: Code, library: String, _ message: String) {
        self.code = code
        self.library = library
        self.message = message
    }

    public var description: String { "\(library): \(code): \(message)" }
}

/// Everything wrong with a configuration file, each problem with its JSON path.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// One problem: where, and what.
    public struct Issue: Sendable, Hashable, CustomStringConvertible {
        /// A JSON path such as `sites[0].adapters[2].config.baud`, or `(file)`.
        public var path: String
        /// What is wrong there.
        public var message: String

        /// Creates an issue at `path`.
        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }

        public var description: String { "\(path): \(message)" }
    }

    /// The configuration file's path.
    public var file: String
    /// Every problem found.
    public var issues: [Issue]

    /// Creates an error listing the `issues` of `file`.
    public init(file: String, issues: [Issue]) {
        self.file = file
        self.issues = issues
    }

    public var description: String {
        let plural = issues.count == 1 ? "error" : "errors"
        return "\(file): \(issues.count) \(plural)\n" + issues.map { "  \($0)" }.joined(separator: "\n")
    }
}

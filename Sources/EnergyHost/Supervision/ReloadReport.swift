/// What a configuration reload did (`energy-host ctl reload`, SIGHUP), or why it did nothing.
public struct ReloadReport: Sendable, Codable, Equatable {
    /// Whether the new configuration was applied.
    public var applied: Bool
    /// Why it was not: the new file's problems, each `path: message`, or a refusal.
    public var errors: [String] = []
    /// Instances started (`site/id`).
    public var added: [String] = []
    /// Instances stopped and removed.
    public var removed: [String] = []
    /// Instances whose settings changed: stopped, then started with the new ones.
    public var restarted: [String] = []
    /// Instances left running untouched.
    public var kept: [String] = []
    /// Changes a reload does not apply (host settings): they wait for the next start.
    public var notApplied: [String] = []

    /// A reload that did not happen.
    public init(refusal: String) {
        applied = false
        errors = [refusal]
    }

    init(applied: Bool) {
        self.applied = applied
    }
}

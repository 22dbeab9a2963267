/// The groups of one frame, in order: those that passed every check, and those refused.
public struct TICFrame: Sendable, Hashable {
    /// Valid groups.
    public var groups: [TICGroup] = []
    /// Refused groups (never published as values).
    public var rejected: [TICRejectedGroup] = []

    public init(groups: [TICGroup] = [], rejected: [TICRejectedGroup] = []) {
        self.groups = groups
        self.rejected = rejected
    }

    /// Whether some group of the frame was refused.
    public var isDegraded: Bool { !rejected.isEmpty }

    /// The data of the first valid group with `label`, if any.
    public func data(_ label: String) -> String? {
        groups.first { $0.label == label }?.data
    }
}

public import Foundation

/// An order revision published at run time with ``SmartOASimulator/publish(revision:)``: it becomes
/// visible at once (its `updatedAt` is the simulator's `now()`).
public struct SmartOARevision: Sendable, Hashable {
    public var curtailmentId: String
    public var contractId: String
    /// The window `[start, end)`.
    public var start: Date
    public var end: Date
    /// 0 (no stop requested) or 1 (stop requested).
    public var value: Int
    public var status: SmartOAOrderStatus
    /// nil: one more than the order's highest version (1 for a new order).
    public var version: Int?

    public init(
        curtailmentId: String, contractId: String, start: Date, end: Date, value: Int,
        status: SmartOAOrderStatus = .active, version: Int? = nil
    ) {
        self.curtailmentId = curtailmentId
        self.contractId = contractId
        self.start = start
        self.end = end
        self.value = value
        self.status = status
        self.version = version
    }
}

/// An order and every revision it has, visible or still to come.
struct SmartOAOrder: Sendable {
    /// A revision with its version and the time it becomes visible.
    struct Stored: Sendable {
        var start: Date
        var end: Date
        var value: Int
        var status: SmartOAOrderStatus
        var version: Int
        var visibleFrom: Date
    }

    let id: String
    let contractId: String
    var revisions: [Stored]

    /// The highest version, visible or not.
    var highestVersion: Int { revisions.map(\.version).max() ?? 0 }

    /// The revision served at `now`: the highest version visible then.
    func current(at now: Date) -> Stored? {
        revisions.filter { $0.visibleFrom <= now }.max { $0.version < $1.version }
    }

    /// When the order first became visible, if it has by `now`.
    func createdAt(at now: Date) -> Date? {
        revisions.map(\.visibleFrom).filter { $0 <= now }.min()
    }

    /// Whether `version` is visible at `now`.
    func hasVersion(_ version: Int, at now: Date) -> Bool {
        revisions.contains { $0.version == version && $0.visibleFrom <= now }
    }

    /// Appends `revision`; throws when it is not a valid successor.
    mutating func append(_ revision: Stored) throws {
        guard revision.start < revision.end else {
            throw SmartOAScenarioError("curtailment \(id) version \(revision.version): start must be before end")
        }
        guard revision.value == 0 || revision.value == 1 else {
            throw SmartOAScenarioError("curtailment \(id) version \(revision.version): value must be 0 or 1, not \(revision.value)")
        }
        guard revision.version > highestVersion else {
            throw SmartOAScenarioError("curtailment \(id): version \(revision.version) does not grow (highest \(highestVersion))")
        }
        revisions.append(revision)
    }
}

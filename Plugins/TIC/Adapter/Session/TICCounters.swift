/// The session's counters between two reports, in fixed fields: counting a frame or a refused
/// group makes no dictionary and no string.
struct TICCounters: Sendable {
    private var framesOK = 0
    private var framesDegraded = 0
    private var framesEmpty = 0
    private var framesInterrupted = 0
    private var parityErrors = 0
    /// Refused groups, per reason in `TICRejectedGroup.Reason.allCases` order.
    private var rejected = [Int](repeating: 0, count: TICRejectedGroup.Reason.allCases.count)

    /// A frame's result, as the `result` label of `tic_frames_total` names it.
    enum FrameResult {
        case ok, degraded, empty, interrupted
    }

    mutating func countFrame(_ result: FrameResult) {
        switch result {
        case .ok: framesOK += 1
        case .degraded: framesDegraded += 1
        case .empty: framesEmpty += 1
        case .interrupted: framesInterrupted += 1
        }
    }

    mutating func countRejected(_ reason: TICRejectedGroup.Reason) {
        rejected[Self.index(of: reason)] += 1
    }

    mutating func countParityErrors(_ count: Int) {
        parityErrors += count
    }

    /// The non-zero counts as metric increments; the counters start again from zero.
    mutating func take() -> [TICSession.CounterDelta] {
        var deltas: [TICSession.CounterDelta] = []
        for (result, count) in [("ok", framesOK), ("degraded", framesDegraded), ("empty", framesEmpty), ("interrupted", framesInterrupted)]
        where count > 0 {
            deltas.append(.init(name: "tic_frames_total", labels: ["result": result], amount: Double(count)))
        }
        for (reason, count) in zip(TICRejectedGroup.Reason.allCases, rejected) where count > 0 {
            deltas.append(.init(name: "tic_groups_rejected_total", labels: ["reason": reason.rawValue], amount: Double(count)))
        }
        if parityErrors > 0 { deltas.append(.init(name: "tic_parity_errors_total", labels: [:], amount: Double(parityErrors))) }
        self = TICCounters()
        return deltas
    }

    private static func index(of reason: TICRejectedGroup.Reason) -> Int {
        switch reason {
        case .checksum: 0
        case .malformed: 1
        case .invalidCharacter: 2
        case .truncated: 3
        case .tooLong: 4
        case .parity: 5
        case .invalidField: 6
        }
    }
}

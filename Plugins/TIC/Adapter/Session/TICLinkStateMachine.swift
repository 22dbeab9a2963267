/// The TIC link: waiting for a first valid frame, up, or lost after `timeout` without one.
///
/// A struct state machine with no I/O and no clock of its own. Its inputs carry their time, read
/// by the caller from the injected clock (a monotonic offset from the session's start); they
/// return the ``Action`` the caller carries out, and ``deadline`` says when time must next be fed
/// in: nothing needs to be polled.
public struct TICLinkStateMachine: Sendable, Hashable {
    /// Where the link is.
    public enum State: Sendable, Hashable {
        /// No valid frame yet; counting from `since` (the session's start).
        case waiting(since: Duration)
        /// The last valid frame came at `lastFrame`.
        case up(lastFrame: Duration)
        /// No valid frame for the timeout; waits for the next one.
        case lost
    }

    /// What the caller does after an input.
    public enum Action: Sendable, Hashable {
        /// Nothing.
        case none
        /// Publish the link as receiving; `clearingLoss`: it had been declared lost, so clear the
        /// `link_lost` alarm.
        case linkUp(clearingLoss: Bool)
        /// Publish the link as lost: raise `link_lost`, and start detecting the family again.
        case linkLost
    }

    /// The current state.
    public private(set) var state: State
    /// How long without a valid frame before the link is lost.
    public let timeout: Duration

    /// A link waiting for its first frame from `start`.
    public init(timeout: Duration, start: Duration = .zero) {
        self.timeout = timeout
        self.state = .waiting(since: start)
    }

    /// When ``timeElapsed(to:)`` must next be called: the moment the link is lost unless a valid
    /// frame comes first; nil when lost (only a frame changes anything then).
    public var deadline: Duration? {
        switch state {
        case .waiting(let since): since + timeout
        case .up(let lastFrame): lastFrame + timeout
        case .lost: nil
        }
    }

    /// Whether the link is up: nil while waiting for the first frame.
    public var isUp: Bool? {
        switch state {
        case .waiting: nil
        case .up: true
        case .lost: false
        }
    }

    /// A valid frame arrived at `time`.
    public mutating func frameReceived(at time: Duration) -> Action {
        switch state {
        case .up:
            state = .up(lastFrame: time)
            return .none
        case .waiting:
            state = .up(lastFrame: time)
            return .linkUp(clearingLoss: false)
        case .lost:
            state = .up(lastFrame: time)
            return .linkUp(clearingLoss: true)
        }
    }

    /// Time has reached `time`: past the deadline, the link is lost (once).
    public mutating func timeElapsed(to time: Duration) -> Action {
        guard let deadline, time >= deadline else { return .none }
        state = .lost
        return .linkLost
    }
}

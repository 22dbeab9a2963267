import AdapterKit
import Foundation

/// What an operator asks an adapter to do: the body of `POST /adapters/{site}/{id}/commands`, as
/// `energy-host ctl` sends it and the admin API reads it. The one definition of the request.
public struct OperatorCommandRequest: Codable, Sendable, Hashable {
    /// The action, `[a-z][a-z0-9_]*` (`restore`, `shed`...).
    public var action: String
    /// Who or what authorised it outside the host (the grid operator's reference, a ticket):
    /// required (a missing one is refused as `missing_reference`), recorded with the command and
    /// in the host's audit.
    public var reference: String?
    /// A note recorded with the command.
    public var reason: String?
    /// A setpoint, in `unit`.
    public var value: Double?
    /// The setpoint's unit.
    public var unit: String?
    /// When the command applies from, RFC 3339 (`valid_from`; a flexibility request's start).
    public var validFrom: String?
    /// When it applies until, RFC 3339 (`valid_until`).
    public var validUntil: String?

    /// A request.
    public init(
        action: String, reference: String?, reason: String? = nil, value: Double? = nil, unit: String? = nil,
        validFrom: String? = nil, validUntil: String? = nil
    ) {
        self.action = action
        self.reference = reference
        self.reason = reason
        self.value = value
        self.unit = unit
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    private enum CodingKeys: String, CodingKey {
        case action, reference, reason, value, unit
        case validFrom = "valid_from", validUntil = "valid_until"
    }

    /// The body's shape, for error messages.
    public static let shape = #"{"action": "<[a-z][a-z0-9_]*>", "reference": "<who authorised it>", "reason"?, "value"?, "unit"?, "valid_from"?, "valid_until"?}"#

    /// Why a request cannot be sent.
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        case malformedAction(String)
        case missingReference
        /// A text field (`reference`, `reason`, `unit`) with control characters or too long.
        case malformedText(field: String, limit: Int)
        /// `valid_from` or `valid_until` is not an RFC 3339 time.
        case malformedTime(field: String)

        /// The audit's outcome for this refusal.
        public var outcome: String {
            switch self {
            case .malformedAction, .malformedText, .malformedTime: "bad_request"
            case .missingReference: "missing_reference"
            }
        }

        public var description: String {
            switch self {
            case .malformedAction(let action): "action \"\(action)\" must match [a-z][a-z0-9_]*"
            case .missingReference: "a reference is required: who or what authorised the command"
            case .malformedText(let field, let limit): "\(field) must be at most \(limit) characters, without control characters (newline, NUL...)"
            case .malformedTime(let field): "\(field) must be an RFC 3339 time, e.g. 2025-04-02T10:00:00Z"
            }
        }
    }

    /// The reference, trimmed; nil when absent or blank.
    public var givenReference: String? {
        reference.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Why the request cannot be sent, if it cannot: the action first, then the reference, then
    /// the other texts. Texts end up in logs, the audit and the adapter's own records: a newline
    /// or a NUL in one could forge a line there.
    public var problem: Problem? {
        // A whole match: a trailing newline ("restore\n") is refused too.
        if action.wholeMatch(of: /[a-z][a-z0-9_]*/) == nil { return .malformedAction(action) }
        guard let reference = givenReference else { return .missingReference }
        for (field, text, limit) in [("reference", reference, 200), ("reason", reason ?? "", 1000), ("unit", unit ?? "", 32)]
        where text.count > limit || text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return .malformedText(field: field, limit: limit)
        }
        for (field, text) in [("valid_from", validFrom), ("valid_until", validUntil)] where text != nil && RFC3339.parse(text!) == nil {
            return .malformedTime(field: field)
        }
        return nil
    }
}

/// The answer to `POST /adapters/{site}/{id}/commands`, for every outcome (JSON, snake_case).
public struct OperatorCommandReply: Codable, Sendable, Hashable {
    /// The command's id; empty when it was never sent.
    public var id: String
    public var action: String
    public var issuedBy: String
    public var reference: String
    /// The acknowledgement's outcome (`accepted`, `executed`, `rejected`, `failed`), `no_ack`, or
    /// the host's refusal (``OperatorAuditEntry/outcome``).
    public var outcome: String
    /// The adapter's detail, or why the host refused.
    public var detail: String
}

import AdapterKitHTTPCore

/// An operator allowed to send commands through the admin API (`host.admin.operators`): a name,
/// recorded with every command, and a bearer token.
public struct AdminOperator: Sendable, Hashable {
    /// Who the operator is, as commands record it (`issued_by`).
    public var name: String
    /// The bearer token that authenticates the operator (a secret of adapters.json).
    public var token: String

    public init(name: String, token: String) {
        self.name = name
        self.token = token
    }

    /// The operator whose token an `Authorization: Bearer …` header carries, if any. Tokens are
    /// compared in constant time.
    static func authenticated(by header: String?, among operators: [AdminOperator]) -> AdminOperator? {
        guard let token = BearerCredentials.token(in: header) else { return nil }
        let presented = Array(token.utf8)
        return operators.first { Self.constantTimeEquals(Array($0.token.utf8), presented) }
    }

    private static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

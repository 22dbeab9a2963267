/// The token of an `Authorization: Bearer <token>` header. The scheme is case-insensitive
/// (`bearer`, `BEARER`: RFC 7235 §2.1) and may be followed by several spaces; nil when the header
/// is absent, of another scheme, or carries no token.
public enum BearerCredentials {
    /// The token `header` carries, if it is a bearer one.
    public static func token(in header: String?) -> String? {
        guard let header else { return nil }
        let scheme = header.prefix { $0 != " " }
        guard scheme.lowercased() == "bearer" else { return nil }
        let token = header.dropFirst(scheme.count).drop { $0 == " " }
        return token.isEmpty ? nil : String(token)
    }
}

import AdapterKit

/// The retained message of a gateway's status topic: `online` while its bridge is connected,
/// `offline` after a clean stop or, as the last will, when the connection dropped unannounced.
struct BridgeStatus: Sendable, Hashable {
    var gateway: String
    var state: String
    var reason: String?

    /// `{"gateway":"…","state":"online"}`, with `"reason"` when there is one.
    func json() -> [UInt8] {
        var text = "{\"gateway\":"
        JSONValue.appendQuoted(gateway, to: &text)
        text += ",\"state\":"
        JSONValue.appendQuoted(state, to: &text)
        if let reason {
            text += ",\"reason\":"
            JSONValue.appendQuoted(reason, to: &text)
        }
        return Array((text + "}").utf8)
    }
}

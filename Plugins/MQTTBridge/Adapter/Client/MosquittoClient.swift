import CMosquitto
import Glibc

/// The I/O edge: one libmosquitto client, its network thread, and what it reports as an
/// `AsyncStream` of ``Signal``s.
///
/// libmosquitto runs its own blocking loop on a thread it starts (`mosquitto_loop_start`): that
/// thread reads and writes the socket, sends keep-alives, reconnects with backoff
/// (`mosquitto_reconnect_delay_set`) and calls the callbacks below, which only yield a signal: no
/// polling anywhere. `publish` and `subscribe` may be called from any thread (the library locks
/// its own state); ``stop()`` disconnects, joins the thread and frees the client.
final class MosquittoClient: Sendable {
    /// What the network thread reports.
    enum Signal: Sendable {
        /// The broker accepted the connection (CONNACK 0), or refused it (`code`, `reason`).
        case connected(code: Int32, reason: String)
        /// The connection is gone; `code` 0 after our own disconnect.
        case disconnected(code: Int32, reason: String)
        /// The broker acknowledged the QoS 1 message `mid` (PUBACK).
        case acknowledged(mid: Int32)
        /// A message arrived on a subscribed topic, at `qos` (the lower of the publisher's and the
        /// subscription's).
        case message(topic: String, payload: [UInt8], qos: Int32, retained: Bool)
    }

    /// Where to connect and how.
    struct Settings: Sendable {
        var host: String
        var port: Int32
        var clientID: String
        var persistentSession: Bool
        var keepalive: Int32
        var reconnectMin: UInt32
        var reconnectMax: UInt32
        var username: String?
        var password: String?
        var caCertificate: String?
        var clientCertificate: String?
        var clientKey: String?
        var useTLS: Bool
        /// The last will: published by the broker, retained, when the connection drops unannounced.
        var will: (topic: String, payload: [UInt8])?
    }

    /// What the client reports, in order.
    let signals: AsyncStream<Signal>
    private let handle: Handle
    private let box: Unmanaged<SignalBox>
    private let settings: Settings

    /// Creates the client and applies `settings`; nothing connects before ``start()``.
    init(_ settings: Settings) throws(MosquittoError) {
        MosquittoLibrary.initialize()
        let (stream, continuation) = AsyncStream.makeStream(of: Signal.self)
        signals = stream
        self.settings = settings
        box = Unmanaged.passRetained(SignalBox(continuation))
        guard let mosq = mosquitto_new(settings.clientID, !settings.persistentSession, box.toOpaque()) else {
            box.release()
            throw MosquittoError("mosquitto_new", code: MOSQ_ERR_NOMEM.rawValue)
        }
        handle = Handle(mosq)
        do {
            try configure(mosq, settings)
        } catch {
            mosquitto_destroy(mosq)
            box.release()
            throw error
        }
    }

    private func configure(_ mosq: OpaquePointer, _ settings: Settings) throws(MosquittoError) {
        try check("protocol version", mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, Int32(MQTT_PROTOCOL_V311)))
        try check("reconnect delay", mosquitto_reconnect_delay_set(mosq, settings.reconnectMin, settings.reconnectMax, true))
        if let username = settings.username {
            try check("user name", mosquitto_username_pw_set(mosq, username, settings.password))
        }
        if settings.useTLS {
            try check("TLS", mosquitto_tls_set(mosq, settings.caCertificate, nil, settings.clientCertificate, settings.clientKey, nil))
        }
        if let will = settings.will {
            try check("last will", will.payload.withUnsafeBytes { mosquitto_will_set(mosq, will.topic, Int32(will.payload.count), $0.baseAddress, 1, true) })
        }
        mosquitto_connect_callback_set(mosq) { _, context, code in
            SignalBox.from(context).yield(.connected(code: code, reason: String(cString: mosquitto_connack_string(code))))
        }
        mosquitto_disconnect_callback_set(mosq) { _, context, code in
            SignalBox.from(context).yield(.disconnected(code: code, reason: MosquittoError.describe(code)))
        }
        mosquitto_publish_callback_set(mosq) { _, context, mid in
            SignalBox.from(context).yield(.acknowledged(mid: mid))
        }
        mosquitto_message_callback_set(mosq) { _, context, message in
            guard let message = message?.pointee else { return }
            let payload = message.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(message.payloadlen))) } ?? []
            SignalBox.from(context).yield(.message(topic: String(cString: message.topic), payload: payload, qos: message.qos, retained: message.retain))
        }
    }

    /// Starts the network thread, which connects and keeps reconnecting until ``stop()``.
    func start() throws(MosquittoError) {
        try check("connect", mosquitto_connect_async(handle.mosq, settings.host, settings.port, settings.keepalive))
        try check("network thread", mosquitto_loop_start(handle.mosq))
    }

    /// Publishes `payload` on `topic`; returns the message id (acknowledged later by
    /// ``Signal/acknowledged(mid:)`` for QoS 1). At QoS 1 the library keeps the message and sends it
    /// again after a reconnection until the broker acknowledges it.
    func publish(topic: String, payload: [UInt8], qos: Int32, retain: Bool) throws(MosquittoError) -> Int32 {
        var mid: Int32 = 0
        let code = payload.withUnsafeBytes { mosquitto_publish(handle.mosq, &mid, topic, Int32(payload.count), $0.baseAddress, qos, retain) }
        try check("publish on \(topic)", code)
        return mid
    }

    /// Subscribes to `filter` at `qos`.
    func subscribe(_ filter: String, qos: Int32) throws(MosquittoError) {
        try check("subscribe to \(filter)", mosquitto_subscribe(handle.mosq, nil, filter, qos))
    }

    /// Disconnects (the broker then discards the last will), stops the network thread, frees the
    /// client and ends ``signals``.
    func stop() {
        _ = mosquitto_disconnect(handle.mosq)
        _ = mosquitto_loop_stop(handle.mosq, false)
        mosquitto_destroy(handle.mosq)
        box.takeRetainedValue().finish()
    }

    private func check(_ what: String, _ code: Int32) throws(MosquittoError) {
        guard code == MOSQ_ERR_SUCCESS.rawValue else { throw MosquittoError(what, code: code) }
    }

    private func check(_ what: String, _ code: mosq_err_t) throws(MosquittoError) {
        try check(what, code.rawValue)
    }
}

/// The libmosquitto handle; the library serializes calls on it with its own locks.
private struct Handle: @unchecked Sendable {
    let mosq: OpaquePointer
    init(_ mosq: OpaquePointer) { self.mosq = mosq }
}

/// The callbacks' way back to Swift: the stream's continuation, reached through libmosquitto's
/// user pointer.
private final class SignalBox: Sendable {
    private let continuation: AsyncStream<MosquittoClient.Signal>.Continuation

    init(_ continuation: AsyncStream<MosquittoClient.Signal>.Continuation) {
        self.continuation = continuation
    }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> SignalBox {
        Unmanaged<SignalBox>.fromOpaque(pointer!).takeUnretainedValue()
    }

    func yield(_ signal: MosquittoClient.Signal) {
        continuation.yield(signal)
    }

    func finish() {
        continuation.finish()
    }
}

/// libmosquitto's process-wide initialization, done once.
enum MosquittoLibrary {
    private static let initialized: Bool = {
        mosquitto_lib_init()
        return true
    }()

    static func initialize() {
        _ = initialized
    }
}

/// A libmosquitto call that failed, with the library's own words for it.
struct MosquittoError: Error, CustomStringConvertible {
    let what: String
    let code: Int32

    init(_ what: String, code: Int32) {
        self.what = what
        self.code = code
    }

    var description: String { "\(what): \(Self.describe(code))" }

    static func describe(_ code: Int32) -> String {
        code == MOSQ_ERR_ERRNO.rawValue ? "system error \(errno)" : String(cString: mosquitto_strerror(code))
    }
}

import ArgumentParser
import AsyncHTTPClient
import EnergyHost
import Foundation
import NIOCore
import NIOHTTP1

/// `energy-host ctl`: operator actions on a running host, through its admin API.
struct CtlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Operator actions on a running host, through its admin API.",
        subcommands: [RestoreCommand.self, SendCommand.self, AuditCommand.self, ReloadCommand.self, RestartCommand.self]
    )
}

/// Where the admin API is and who the operator is.
struct AdminOptions: ParsableArguments {
    @Option(help: "The admin API's host:port (host.admin.listen).")
    var admin = "127.0.0.1:9480"

    @Option(name: .customLong("token-file"), help: "A file holding the operator's token (default: $ENERGY_HOST_TOKEN).")
    var tokenFile: String?

    @Option(help: "How long to wait for the admin API's answer, in seconds (the host waits host.admin.command_timeout_s for the adapter).")
    var timeout = 30

    /// The operator's token; a one-line error (no usage) when there is none.
    func token() throws -> String {
        if let tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw CtlError("cannot read the token file \(tokenFile)")
            }
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw CtlError("the token file \(tokenFile) is empty") }
            return token
        }
        guard let token = ProcessInfo.processInfo.environment["ENERGY_HOST_TOKEN"], !token.isEmpty else {
            throw CtlError("no operator token: give --token-file or set ENERGY_HOST_TOKEN")
        }
        return token
    }

    /// Sends `request` to the admin API; `what` names the action in messages. Tells a host that
    /// cannot be reached from one that does not answer in time.
    func execute(_ request: HTTPClientRequest, what: String) async throws -> (status: Int, body: String) {
        var request = request
        request.headers.add(name: "Authorization", value: "Bearer \(try token())")
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(timeout)))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw CtlError("\(what): the admin API at \(admin) gave no answer within \(timeout) s; the command may still be in progress (see energy-host ctl audit)")
        } catch {
            throw CtlError("cannot reach the admin API at \(admin): \(error)")
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: 4 << 20)
        } catch {
            throw CtlError("\(what): the admin API's answer could not be read: \(error)")
        }
        return (Int(response.status.code), String(buffer: body))
    }
}

/// `energy-host ctl restore site/adapter --reference …`: the authorised restore after a trip.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restores a load held after a trip, once the grid operator has authorised it (e.g. RTE by phone)."
    )

    @Argument(help: "The adapter, as site/adapter (e.g. demo/interruptibility).")
    var adapter: String

    @Option(help: "The grid operator's reference for the authorisation (recorded in the audit trail).")
    var reference: String

    @Option(help: "A note recorded with the restore.")
    var reason: String?

    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await send(OperatorCommandRequest(action: "restore", reference: reference, reason: reason), to: adapter, options: options)
    }
}

/// `energy-host ctl command site/adapter action …`: any command an adapter takes.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "command",
        abstract: "Sends a command to an adapter and prints its acknowledgement."
    )

    @Argument(help: "The adapter, as site/adapter.")
    var adapter: String

    @Argument(help: "The action (e.g. restore, shed).")
    var action: String

    @Option(help: "Who or what authorised the command (a ticket, the grid operator's reference): recorded with it.")
    var reference: String

    @Option(help: "A note recorded with the command.")
    var reason: String?

    @Option(help: "A setpoint, in --unit.")
    var value: Double?

    @Option(help: "The setpoint's unit.")
    var unit: String?

    @Option(name: .customLong("from"), help: "When the command applies from, RFC 3339 (e.g. a flexibility request's start, 2025-04-02T10:00:00Z).")
    var validFrom: String?

    @Option(name: .customLong("until"), help: "When it applies until, RFC 3339.")
    var validUntil: String?

    @OptionGroup var options: AdminOptions

    func run() async throws {
        let request = OperatorCommandRequest(
            action: action, reference: reference, reason: reason, value: value, unit: unit, validFrom: validFrom, validUntil: validUntil)
        try await send(request, to: adapter, options: options)
    }
}

/// `energy-host ctl audit`: the host's record of operators' commands.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Prints the latest operators' commands recorded by the host, accepted or refused (one JSON object per line)."
    )

    @Option(help: "How many of the latest attempts to print.")
    var limit = 100

    @OptionGroup var options: AdminOptions

    func run() async throws {
        let request = HTTPClientRequest(url: "http://\(options.admin)/audit/commands?limit=\(limit)")
        let (status, body) = try await options.execute(request, what: "audit")
        guard status == 200 else {
            throw CtlError(status == 401 ? "the admin API refused the token (401)" : "audit: \(status): \(body)")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        struct List: Decodable { var commands: [OperatorAuditEntry] }
        for entry in try decoder.decode(List.self, from: Data(body.utf8)).commands {
            print(String(decoding: try encoder.encode(entry), as: UTF8.self))
        }
    }
}

/// Sends `request` to `adapter` (`site/id`); prints the reply, and fails with a sentence saying
/// what happened unless the adapter accepted or executed it.
func send(_ command: OperatorCommandRequest, to adapter: String, options: AdminOptions) async throws {
    let parts = adapter.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw CtlError("give the adapter as site/adapter, not \"\(adapter)\"") }
    if let problem = command.problem { throw CtlError(problem.description) }
    var request = HTTPClientRequest(url: "http://\(options.admin)/adapters/\(parts[0])/\(parts[1])/commands")
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(command)))
    let (status, body) = try await options.execute(request, what: "\(command.action) to \(adapter)")
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    guard let reply = try? decoder.decode(OperatorCommandReply.self, from: Data(body.utf8)) else {
        throw CtlError("\(command.action) to \(adapter): unexpected answer \(status): \(body)")
    }
    guard status == 200 else { throw CtlError(CtlMessages.describe(reply, status: status, adapter: adapter)) }
    print(body)
}

/// What `ctl` says when a command did not go through.
enum CtlMessages {
    static func describe(_ reply: OperatorCommandReply, status: Int, adapter: String) -> String {
        let what = "\(reply.action.isEmpty ? "command" : reply.action) to \(adapter)"
        switch reply.outcome {
        case "unauthenticated": return "\(what): the admin API refused the token (401): \(reply.detail)"
        case "commands_disabled": return "\(what): commands are disabled on this host (403): \(reply.detail)"
        case "unknown_adapter": return "\(what): no adapter \(adapter) on this host (404)"
        case "missing_reference", "bad_request": return "\(what): refused by the host (400): \(reply.detail)"
        case "rejected": return "\(what): rejected by the adapter (409): \(reply.detail)"
        case "failed": return "\(what): the adapter failed to execute it (502): \(reply.detail)"
        case "no_ack": return "\(what): sent (command \(reply.id)), but \(adapter) did not acknowledge it in time (504); check the adapter's state"
        case "bus_refused": return "\(what): the host could not deliver it (503): \(reply.detail)"
        default: return "\(what): \(status) \(reply.outcome): \(reply.detail)"
        }
    }
}

/// A failure of `ctl`, printed without a usage message.
struct CtlError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `energy-host ctl`: operator actions on a running host, through its admin API.
struct CtlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Operator actions on a running host, through its admin API.",
        subcommands: [RestoreCommand.self, SendCommand.self]
    )
}

/// Where the admin API is and who the operator is.
struct AdminOptions: ParsableArguments {
    @Option(help: "The admin API's host:port (host.admin.listen).")
    var admin = "127.0.0.1:9480"

    @Option(name: .customLong("token-file"), help: "A file holding the operator's token (default: $ENERGY_HOST_TOKEN).")
    var tokenFile: String?

    @Option(help: "How long to wait for the adapter's acknowledgement, in seconds.")
    var timeout = 15

    func token() throws -> String {
        if let tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw ValidationError("cannot read the token file \(tokenFile)")
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let token = ProcessInfo.processInfo.environment["ENERGY_HOST_TOKEN"], !token.isEmpty else {
            throw ValidationError("no operator token: give --token-file or set ENERGY_HOST_TOKEN")
        }
        return token
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
        let request = CommandRequest(action: "restore", reference: reference, reason: reason)
        try await request.send(to: adapter, options: options)
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

    @Option(help: "An outside reference recorded with the command.")
    var reference: String?

    @Option(help: "A note recorded with the command.")
    var reason: String?

    @Option(help: "A setpoint, in --unit.")
    var value: Double?

    @Option(help: "The setpoint's unit.")
    var unit: String?

    @OptionGroup var options: AdminOptions

    func run() async throws {
        let request = CommandRequest(action: action, reference: reference, reason: reason, value: value, unit: unit)
        try await request.send(to: adapter, options: options)
    }
}

/// The body of `POST /adapters/{site}/{id}/commands`, and its sending.
struct CommandRequest: Encodable {
    var action: String
    var reference: String?
    var reason: String?
    var value: Double?
    var unit: String?

    /// Sends the command to `adapter` (`site/id`); prints the reply; fails unless it was accepted.
    func send(to adapter: String, options: AdminOptions) async throws {
        let parts = adapter.split(separator: "/")
        guard parts.count == 2 else { throw ValidationError("give the adapter as site/adapter, not \"\(adapter)\"") }
        var request = HTTPClientRequest(url: "http://\(options.admin)/adapters/\(parts[0])/\(parts[1])/commands")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(try options.token())")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(self)))
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(options.timeout)))
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw CtlError("cannot reach the admin API at \(options.admin): \(error)")
        }
        let text = String(buffer: body)
        guard response.status == .ok else {
            throw CtlError("\(response.status.code) \(response.status.reasonPhrase): \(text)")
        }
        print(text)
    }
}

/// A failure of `ctl`, printed without a usage message.
struct CtlError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

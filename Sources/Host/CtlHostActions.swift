import ArgumentParser
import AsyncHTTPClient
import EnergyHost
import Foundation
import NIOHTTP1

/// `energy-host ctl reload`: the host reads its configuration again and applies the difference.
struct ReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Makes the host read its configuration again and apply only what changed (as SIGHUP does); prints what it did, or the file's problems."
    )

    @OptionGroup var options: AdminOptions

    func run() async throws {
        var request = HTTPClientRequest(url: "http://\(options.admin)/reload")
        request.method = .POST
        let (status, body) = try await options.execute(request, what: "reload")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let report = try? decoder.decode(ReloadReport.self, from: Data(body.utf8)) else {
            throw CtlError(status == 401 ? "the admin API refused the token (401)" : "reload: \(status): \(body)")
        }
        guard report.applied else {
            throw CtlError("reload refused, nothing changed:\n" + report.errors.map { "  \($0)" }.joined(separator: "\n"))
        }
        for (label, keys) in [("added", report.added), ("removed", report.removed), ("restarted", report.restarted)] where !keys.isEmpty {
            print("\(label): \(keys.joined(separator: ", "))")
        }
        print("kept running: \(report.kept.count)")
        for line in report.notApplied + report.errors { print("note: \(line)") }
    }
}

/// `energy-host ctl restart site/adapter`: one instance stopped and started again at once.
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Stops one adapter instance and starts it again at once; an isolated instance's runner loads its library again (a new build)."
    )

    @Argument(help: "The adapter, as site/adapter.")
    var adapter: String

    @OptionGroup var options: AdminOptions

    func run() async throws {
        let parts = adapter.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw CtlError("give the adapter as site/adapter, not \"\(adapter)\"") }
        var request = HTTPClientRequest(url: "http://\(options.admin)/adapters/\(parts[0])/\(parts[1])/restart")
        request.method = .POST
        let (status, body) = try await options.execute(request, what: "restart")
        struct Reply: Decodable { var outcome: String; var detail: String }
        guard let reply = try? JSONDecoder().decode(Reply.self, from: Data(body.utf8)) else {
            throw CtlError(status == 401 ? "the admin API refused the token (401)" : "restart: \(status): \(body)")
        }
        guard status == 202 else { throw CtlError("restart \(adapter): \(reply.outcome): \(reply.detail)") }
        print("restart \(adapter): \(reply.detail)")
    }
}

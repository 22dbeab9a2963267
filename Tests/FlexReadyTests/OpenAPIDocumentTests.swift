import AdapterKit
import AdapterKitHTTPClient
@testable import EnergyFlexReady
import Foundation
import Testing

/// `docs/openapi/flexready.yaml` describes the BACS routes exactly as served: the same routes and
/// methods, and each route answers a call with a status its operation documents.
@Suite struct OpenAPIDocumentTests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi/flexready.yaml")

    /// The document's operations: "method path" → the response codes it documents.
    static func operations() throws -> [String: Set<Int>] {
        let lines = try String(contentsOf: document, encoding: .utf8).components(separatedBy: "\n")
        var operations: [String: Set<Int>] = [:]
        var path: String?, operation: String?
        for line in lines {
            if line == "components:" || line == "webhooks:" { break }  // the paths end there
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, let method = ["get", "post", "put", "patch", "delete"].first(where: { line == "    \($0):" }) {
                operation = "\(method) \(path)"
                operations[operation!] = []
            } else if let operation, line.hasPrefix("        \""), let code = Int(line.dropFirst(9).prefix(3)) {
                operations[operation]?.insert(code)
            }
        }
        return operations
    }

    @Test func theDocumentListsExactlyTheServedRoutes() throws {
        let documented = Set(try Self.operations().keys)
        let served = Set(FlexBACSRoutes.Route.allCases.map { "\($0.method) \($0.path)" })
        #expect(documented == served)
    }

    /// Every route called on the demo data answers a documented status (and not the router's 404).
    @Test(.timeLimit(.minutes(1))) func everyRouteAnswersADocumentedStatus() async throws {
        let operations = try Self.operations()
        let path = FlexBACSServerTests.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await FlexBACSServerTests.withServer(level: .two, path: path) { client in
            _ = try await FlexBACSServerTests.send(client, "POST", "/bacs/\(FlexBACSServerTests.bacs2)/assets/WholeBuilding/flexibilities/request", FlexBACSServerTests.fits)
            for route in FlexBACSRoutes.Route.allCases {
                let concrete = route.path.replacingOccurrences(of: "{bacs_id}", with: FlexBACSServerTests.bacs2)
                    .replacingOccurrences(of: "{asset_id}", with: "WholeBuilding").replacingOccurrences(of: "{request_id}", with: "req-001")
                let body: String? = switch route {
                case .askFlex: FlexBACSServerTests.fits
                case .confirmFlexRequest: FlexBACSServerTests.confirmation
                default: nil
                }
                let (status, answer) = try await FlexBACSServerTests.send(client, route.method.uppercased(), concrete, body)
                let documented = operations["\(route.method) \(route.path)"] ?? []
                #expect(documented.contains(status), "\(route): \(status) \(answer.jsonText) is not among \(documented.sorted())")
                #expect(status == 200, "\(route): \(status) \(answer.jsonText)")
            }
        }
    }
}

import AdapterKit
import AdapterKitHTTPServer
import Foundation
package import Hummingbird

/// The BACS role's HTTP routes (the Flex Ready® API, BACS side), under an optional base path; the
/// same list as `docs/openapi/flexready.yaml` (a test keeps them equal). Bodies are bounded
/// (`bodyLimit`, 413 beyond); every answer is JSON.
package enum FlexBACSRoutes {
    /// One route: its method and its path as OpenAPI writes it.
    package enum Route: CaseIterable, Sendable {
        case getBACSAssets, askFlex, confirmFlexRequest, realiseFlexRequest, getBACSAssetsHisto, getBACSAssetsConsos

        package var method: String {
            switch self {
            case .askFlex, .confirmFlexRequest: "post"
            default: "get"
            }
        }

        package var path: String {
            switch self {
            case .getBACSAssets: "/bacs/{bacs_id}/assets"
            case .askFlex: "/bacs/{bacs_id}/assets/{asset_id}/flexibilities/request"
            case .confirmFlexRequest: "/bacs/{bacs_id}/assets/{asset_id}/flexibilities/request/{request_id}/confirm"
            case .realiseFlexRequest: "/bacs/{bacs_id}/assets/{asset_id}/flexibilities/request/{request_id}/consumptions"
            case .getBACSAssetsHisto: "/bacs/{bacs_id}/assets/{asset_id}/consumptions"
            case .getBACSAssetsConsos: "/bacs/{bacs_id}/assets/consumptions"
            }
        }

        /// The path as the router reads it (`:name` for a parameter).
        var routerPath: String {
            path.split(separator: "/").map { $0.hasPrefix("{") ? ":" + $0.dropFirst().dropLast() : String($0) }.joined(separator: "/")
        }
    }

    /// Adds the routes to `router` under `basePath` (`""` or `/something`).
    package static func register<Context: RequestContext>(
        on router: Router<Context>, basePath: String, service: FlexBACSService, bodyLimit: Int
    ) {
        let group = router.group(RouterPath(basePath))
        for route in Route.allCases {
            let path = RouterPath(route.routerPath)
            switch route {
            case .getBACSAssets:
                group.get(path) { _, context in answer(await service.assets(bacsID: try context.parameters.require("bacs_id"))) }
            case .askFlex:
                group.post(path) { request, context in
                    let body = try await JSONResponses.body(of: request, limit: bodyLimit)
                    return answer(await service.ask(
                        bacsID: try context.parameters.require("bacs_id"), assetID: try context.parameters.require("asset_id"), body: Array(body)))
                }
            case .confirmFlexRequest:
                group.post(path) { request, context in
                    let body = try await JSONResponses.body(of: request, limit: bodyLimit)
                    return answer(await service.confirm(
                        bacsID: try context.parameters.require("bacs_id"), assetID: try context.parameters.require("asset_id"),
                        requestID: try context.parameters.require("request_id"), body: Array(body)))
                }
            case .realiseFlexRequest:
                group.get(path) { _, context in
                    answer(await service.realise(
                        bacsID: try context.parameters.require("bacs_id"), assetID: try context.parameters.require("asset_id"),
                        requestID: try context.parameters.require("request_id")))
                }
            case .getBACSAssetsHisto:
                group.get(path) { _, context in
                    answer(await service.history(bacsID: try context.parameters.require("bacs_id"), assetID: try context.parameters.require("asset_id")))
                }
            case .getBACSAssetsConsos:
                group.get(path) { _, context in answer(await service.current(bacsID: try context.parameters.require("bacs_id"))) }
            }
        }
    }

    private static func answer(_ answer: FlexAnswer) -> Response {
        JSONResponses.data(HTTPResponse.Status(code: answer.status), Data(answer.body.jsonText.utf8))
    }
}

import AdapterKit
import AdapterKitHTTPServer
import Foundation
package import Hummingbird

/// The BACS role's HTTP routes (the Flex Ready® API, BACS side), under an optional base path; the
/// same list as `docs/openapi/flexready.yaml` (a test keeps them equal). Bodies are bounded
/// (`bodyLimit`, 413 beyond); every answer is JSON.
package enum FlexBACSRoutes {
    /// One route: its method and its path as OpenAPI writes it.
    package enum Route: String, CaseIterable, Sendable {
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

        /// The path with its identifiers filled in (each percent-encoded as a path segment).
        package func path(bacsID: String, assetID: String = "", requestID: String = "") -> String {
            FlexBACSRoutes.fill(path, bacsID: bacsID, assetID: assetID, requestID: requestID)
        }

        /// The path as the router reads it (`:name` for a parameter).
        var routerPath: String {
            path.split(separator: "/").map { $0.hasPrefix("{") ? ":" + $0.dropFirst().dropLast() : String($0) }.joined(separator: "/")
        }
    }

    /// The path of acceptFlexRequest, which the BACS calls at the operator (level 2): the
    /// référentiel names the function, not its route; this one follows the API's paths.
    package static let acceptancePath = "/bacs/{bacs_id}/assets/{asset_id}/flexibilities/request/{request_id}/accept"

    /// `template` with its identifiers filled in, each percent-encoded as a path segment.
    package static func fill(_ template: String, bacsID: String, assetID: String = "", requestID: String = "") -> String {
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))
        func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
        return template.replacingOccurrences(of: "{bacs_id}", with: encoded(bacsID))
            .replacingOccurrences(of: "{asset_id}", with: encoded(assetID))
            .replacingOccurrences(of: "{request_id}", with: encoded(requestID))
    }

    /// One call of a route: the identifiers of its path and its body (empty for a GET).
    package struct Call: Sendable, Hashable {
        package var route: Route
        package var bacsID: String
        package var assetID: String
        package var requestID: String
        package var body: [UInt8]

        package init(route: Route, bacsID: String, assetID: String = "", requestID: String = "", body: [UInt8] = []) {
            self.route = route
            self.bacsID = bacsID
            self.assetID = assetID
            self.requestID = requestID
            self.body = body
        }
    }

    /// Adds the routes to `router` under `basePath` (`""` or `/something`), answered by `service`.
    package static func register<Context: RequestContext>(
        on router: Router<Context>, basePath: String, service: FlexBACSService, bodyLimit: Int
    ) {
        register(on: router, basePath: basePath, bodyLimit: bodyLimit) { call, _, _ in await service.answer(call) }
    }

    /// Adds the routes to `router` under `basePath` (which may hold parameters, e.g.
    /// `/api/v1/:session_id`); `answer` answers each call, given the request (its headers) and its context.
    package static func register<Context: RequestContext>(
        on router: Router<Context>, basePath: String, bodyLimit: Int,
        answer: @escaping @Sendable (Call, Request, Context) async throws -> FlexAnswer
    ) {
        let group = router.group(RouterPath(basePath))
        for route in Route.allCases {
            let handler: @Sendable (Request, Context) async throws -> Response = { request, context in
                let body = route.method == "post" ? Array(try await JSONResponses.body(of: request, limit: bodyLimit)) : []
                let call = Call(
                    route: route, bacsID: try context.parameters.require("bacs_id"), assetID: context.parameters.get("asset_id") ?? "",
                    requestID: context.parameters.get("request_id") ?? "", body: body
                )
                return response(try await answer(call, request, context))
            }
            if route.method == "post" {
                group.post(RouterPath(route.routerPath), use: handler)
            } else {
                group.get(RouterPath(route.routerPath), use: handler)
            }
        }
    }

    /// The HTTP response of `answer`: its status, its JSON body.
    package static func response(_ answer: FlexAnswer) -> Response {
        JSONResponses.data(HTTPResponse.Status(code: answer.status), Data(answer.body.jsonText.utf8))
    }
}

import AdapterKit
import AdapterKitHTTPServer
import Foundation
package import Hummingbird

/// The BACS role's HTTP routes (the Flex Ready® API, BACS side), under an optional base path:
///
/// - `GET {base}/bacs/{bacs_id}/assets`: getBACSAssets;
/// - `POST {base}/bacs/{bacs_id}/assets/{asset_id}/flexibilities/request`: askFlex / askFlexWithPrice;
/// - `POST {base}/bacs/{bacs_id}/assets/{asset_id}/flexibilities/request/{request_id}/confirm`:
///   confirmFlexRequest;
/// - `GET {base}/bacs/{bacs_id}/assets/{asset_id}/flexibilities/request/{request_id}/consumptions`:
///   realiseFlexRequest;
/// - `GET {base}/bacs/{bacs_id}/assets/{asset_id}/consumptions`: getBACSAssetsHisto;
/// - `GET {base}/bacs/{bacs_id}/assets/consumptions`: getBACSAssetsConsos.
///
/// Bodies are bounded (`bodyLimit`, 413 beyond); every answer is JSON.
package enum FlexBACSRoutes {
    /// Adds the routes to `router` under `basePath` (`""` or `/something`).
    package static func register<Context: RequestContext>(
        on router: Router<Context>, basePath: String, service: FlexBACSService, bodyLimit: Int
    ) {
        let bacs = router.group(RouterPath(basePath + "/bacs/:bacs_id"))
        registerConsumptions(on: bacs, service: service)
        bacs.get("assets") { _, context in
            answer(await service.assets(bacsID: try context.parameters.require("bacs_id")))
        }
        bacs.post("assets/:asset_id/flexibilities/request") { request, context in
            let body = try await JSONResponses.body(of: request, limit: bodyLimit)
            return answer(await service.ask(
                bacsID: try context.parameters.require("bacs_id"), assetID: try context.parameters.require("asset_id"), body: Array(body)))
        }
        bacs.post("assets/:asset_id/flexibilities/request/:request_id/confirm") { request, context in
            let body = try await JSONResponses.body(of: request, limit: bodyLimit)
            return answer(await service.confirm(
                bacsID: try context.parameters.require("bacs_id"), assetID: try context.parameters.require("asset_id"),
                requestID: try context.parameters.require("request_id"), body: Array(body)))
        }
    }

    /// Adds the consumption routes (realiseFlexRequest, getBACSAssetsHisto, getBACSAssetsConsos).
    private static func registerConsumptions<Context: RequestContext>(on bacs: RouterGroup<Context>, service: FlexBACSService) {
        bacs.get("assets/consumptions") { _, context in
            answer(await service.current(bacsID: try context.parameters.require("bacs_id")))
        }
        bacs.get("assets/:asset_id/consumptions") { _, context in
            answer(await service.history(bacsID: try context.parameters.require("bacs_id"), assetID: try context.parameters.require("asset_id")))
        }
        bacs.get("assets/:asset_id/flexibilities/request/:request_id/consumptions") { _, context in
            answer(await service.realise(
                bacsID: try context.parameters.require("bacs_id"), assetID: try context.parameters.require("asset_id"),
                requestID: try context.parameters.require("request_id")))
        }
    }

    private static func answer(_ answer: FlexAnswer) -> Response {
        JSONResponses.data(HTTPResponse.Status(code: answer.status), Data(answer.body.jsonText.utf8))
    }
}

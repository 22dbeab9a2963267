import AdapterKit
import AdapterKitHTTPServer
import Foundation
package import Hummingbird

/// The HTTP routes of the supplier's and EcoWatt's simulators.
package enum SignalSimulatorRoutes {
    /// `GET /GetCommodityPriceExchange/{building_id}?DateTimeInterval=&DP=`.
    package static func register<Context: RequestContext>(on router: Router<Context>, supplier: SupplierSignalSimulator) {
        router.get("GetCommodityPriceExchange/:building_id") { request, context in
            let query = request.uri.queryParameters
            let answer = await supplier.answer(
                buildingID: try context.parameters.require("building_id"), hours: query["DateTimeInterval"].map(String.init),
                dp: query["DP"].map(String.init), authorization: request.headers[.authorization]
            )
            return response(answer.status, answer.body, retryAfter: answer.retryAfter)
        }
    }

    /// `POST /token/oauth/` and `GET /open_api/ecowatt/v5/signals`.
    package static func register<Context: RequestContext>(on router: Router<Context>, ecowatt: EcoWattSimulator) {
        router.post("token/oauth") { request, _ in
            let body = try await JSONResponses.body(of: request, limit: 16 * 1024)
            let answer = await ecowatt.token(authorization: request.headers[.authorization], body: String(decoding: body, as: UTF8.self))
            return response(answer.status, answer.body)
        }
        router.get("open_api/ecowatt/v5/signals") { request, _ in
            let answer = await ecowatt.signals(authorization: request.headers[.authorization])
            return response(answer.status, answer.body, retryAfter: answer.retryAfter)
        }
    }

    /// `retryAfter`: seconds for a `Retry-After` header.
    private static func response(_ status: Int, _ body: JSONValue, retryAfter: Int? = nil) -> Response {
        JSONResponses.data(HTTPResponse.Status(code: status), Data(body.jsonText.utf8), headers: retryAfter.map { [.retryAfter: String($0)] } ?? [:])
    }
}

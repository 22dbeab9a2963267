package import AdapterKit
package import AdapterKitHTTPClient

/// The operator role's calls to a remote BACS (the Flex Ready® API, operator side), with the
/// référentiel's timeouts (getBACSAssets 60 s; askFlex 5 s at level 1, 15 min at level 2;
/// realiseFlexRequest 15 min; the others 60 s) and its retry rule: a call that times out or does
/// not reach the BACS is sent once more; an answer, even an error, is never retried.
package struct FlexOperatorClient: Sendable {
    /// Why a call failed.
    package enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The BACS answered this status and body (4xx, 5xx).
        case answered(status: Int, body: String)
        /// No answer, twice (the reason of the last attempt).
        case unreachable(String)
        /// The answer is not JSON.
        case notJSON(String)
        /// The adapter is stopping.
        case cancelled

        package var description: String {
            switch self {
            case .answered(let status, let body): "the BACS answered \(status): \(body)"
            case .unreachable(let reason): "no answer from the BACS after a retry: \(reason)"
            case .notJSON(let text): "the BACS's answer is not JSON: \(text.prefix(200))"
            case .cancelled: "cancelled"
            }
        }
    }

    private let http: HTTPClientResource
    private let headers: [(name: String, value: String)]
    private let level: FlexRequestEvaluator.Level
    private let retrying: @Sendable (FlexBACSRoutes.Route, HTTPFailure) -> Void

    /// Calls through `http` (its base URL is the BACS's, with the emulator's session path), adding
    /// `headers`; `retrying` hears of each first failure that is retried.
    package init(
        http: HTTPClientResource, headers: [(name: String, value: String)] = [], level: FlexRequestEvaluator.Level,
        retrying: @escaping @Sendable (FlexBACSRoutes.Route, HTTPFailure) -> Void = { _, _ in }
    ) {
        self.http = http
        self.headers = headers
        self.level = level
        self.retrying = retrying
    }

    /// How long the BACS has to answer `route` at `level` (the référentiel's timeouts).
    package static func timeout(of route: FlexBACSRoutes.Route, level: FlexRequestEvaluator.Level) -> Duration {
        switch route {
        case .askFlex: level == .one ? .seconds(5) : .seconds(15 * 60)
        case .realiseFlexRequest: .seconds(15 * 60)
        default: .seconds(60)
        }
    }

    /// Calls `route` of `call` and returns the answer's JSON.
    package func send(_ call: FlexBACSRoutes.Call) async throws(Failure) -> JSONValue {
        let path = call.route.path(bacsID: call.bacsID, assetID: call.assetID, requestID: call.requestID)
        var request = call.route.method == "post"
            ? HTTPRequestSpec.json("POST", path: path, body: call.body) : HTTPRequestSpec(path: path, headers: [("Accept", "application/json")])
        request.headers += headers
        request.timeout = Self.timeout(of: call.route, level: level)
        var answer: HTTPAnswer?
        for attempt in 1...2 where answer == nil {
            do {
                answer = try await http.send(request)
            } catch {
                if let answered = error.answer { throw .answered(status: answered.status, body: answered.text) }
                if case .cancelled = error { throw .cancelled }
                guard attempt == 1 else { throw .unreachable(error.description) }
                retrying(call.route, error)
            }
        }
        guard let answer else { throw .unreachable("no answer") }
        do {
            return try JSONValue.parse(answer.text)
        } catch {
            throw .notJSON(answer.text)
        }
    }
}

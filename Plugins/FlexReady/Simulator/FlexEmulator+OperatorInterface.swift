import AdapterKit
package import EnergyFlexReady

extension FlexEmulator {
    /// The operator interface (Part B): sends `call` to the session's BACS with the caller's
    /// `EMULATOR_*` headers (prefix removed), checks the answer, then runs the robustness cases
    /// of that function, and answers `{"data": <the BACS's answer>, "test_status": …}`.
    package func operatorCall(
        session id: String, call: FlexBACSRoutes.Call, headers: [(name: String, value: String)]
    ) async throws(Refusal) -> FlexAnswer {
        let session = try session(id)
        let forwarder = FlexForwarder(timeout: settings.bacsTimeout)
        let forwarded = FlexForwarder.forwarded(headers)
        let step = FlexEmulatorCheck.Step(call.route)
        let target = "\(call.route.method.uppercased()) \(call.route.path(bacsID: call.bacsID, assetID: call.assetID, requestID: call.requestID))"
        let nominal: FlexForwarder.Answer
        do {
            nominal = try await forwarder.send(call, to: session.url, headers: forwarded)
        } catch {
            record([FlexEmulatorCheck(step: step, name: "nominal", passed: false, detail: "\(target): the BACS at \(session.url) did not answer: \(error)")], in: id)
            return FlexAnswer(status: 502, body: .object([
                "error": .string("the BACS at \(session.url) did not answer: \(error)"), "test_status": .string("NOMINAL TEST FAILED"),
            ]))
        }
        let body = try? JSONValue.parse(String(decoding: nominal.body, as: UTF8.self))
        let problems = FlexAnswerConformance.problems(route: call.route, status: nominal.status, body: body, requestID: call.requestID)
        var checks = [FlexEmulatorCheck(
            step: step, name: "nominal", passed: problems.isEmpty,
            detail: "\(target): \(nominal.status)" + (problems.isEmpty ? "" : ", " + problems.joined(separator: "; "))
        )]
        if problems.isEmpty {
            let authorized = forwarded.contains { $0.name.lowercased() == "authorization" }
            for robustness in FlexRobustnessCase.cases(after: call, level: session.level, authorized: authorized) {
                let headers = robustness.withoutAuthorization ? forwarded.filter { $0.name.lowercased() != "authorization" } : forwarded
                let problem: String?
                do {
                    let answer = try await forwarder.send(robustness.call, to: session.url, headers: headers)
                    problem = robustness.problem(status: answer.status, body: try? JSONValue.parse(String(decoding: answer.body, as: UTF8.self)))
                } catch {
                    problem = "no answer: \(error)"
                }
                checks.append(FlexEmulatorCheck(step: step, name: robustness.name, passed: problem == nil, detail: problem ?? "answered as expected"))
            }
        }
        record(checks, in: id)
        let status = !checks[0].passed ? "NOMINAL TEST FAILED: \(problems.joined(separator: "; "))"
            : checks.allSatisfy(\.passed) ? "NOMINAL TEST AND ROBUSTNESS TESTS PASSED"
            : "NOMINAL TEST PASSED, ROBUSTNESS TESTS FAILED: " + checks.filter { !$0.passed }.map { "\($0.name) (\($0.detail))" }.joined(separator: "; ")
        return FlexAnswer(status: 200, body: .object([
            "data": body ?? .string(String(decoding: nominal.body, as: UTF8.self)), "test_status": .string(status),
        ]))
    }

    /// acceptFlexRequest from the BACS under test (level 2), received by the operator interface:
    /// checked (the path's requestID, `status` accepted or modified, the committed `power`) and
    /// acknowledged.
    package func acceptance(session id: String, call: FlexBACSRoutes.Call) throws(Refusal) -> FlexAnswer {
        _ = try session(id)
        let body = try? JSONValue.parse(String(decoding: call.body, as: UTF8.self))
        var problems = FlexAnswerConformance.acceptanceProblems(body, requestID: call.requestID)
        if body == nil { problems = ["the body is not JSON"] }
        let target = "POST " + FlexBACSRoutes.fill(FlexBACSRoutes.acceptancePath, bacsID: call.bacsID, assetID: call.assetID, requestID: call.requestID)
        record([FlexEmulatorCheck(
            step: .acceptFlexRequest, name: "nominal", passed: problems.isEmpty,
            detail: target + (problems.isEmpty ? "" : ": " + problems.joined(separator: "; "))
        )], in: id)
        guard problems.isEmpty else { return .error(400, "the acceptance is invalid", details: problems) }
        return FlexAnswer(status: 200, body: .object(["message": .string("Flex request acceptance received"), "requestID": .string(call.requestID)]))
    }
}

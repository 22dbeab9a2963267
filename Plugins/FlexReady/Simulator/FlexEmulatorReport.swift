package import AdapterKit
import EnergyFlexReady
import Foundation

/// The test report of a session (`POST /sessions/{id}/report`): each required function with its
/// verdict, every check, and the session's verdict. Passed when every required function has a
/// nominal call that passed and none of its robustness cases failed.
package struct FlexEmulatorReport: Sendable {
    package var session: FlexEmulatorSession

    package init(session: FlexEmulatorSession) {
        self.session = session
    }

    /// Whether `step` passed: a nominal check passed, and none of its robustness cases failed.
    package func passed(_ step: FlexEmulatorCheck.Step) -> Bool {
        let checks = session.checks.filter { $0.step == step }
        return checks.contains { $0.isNominal && $0.passed } && !checks.contains { !$0.isNominal && !$0.passed }
    }

    /// `passed` or `failed`.
    package var verdict: String {
        session.requiredSteps.allSatisfy(passed) ? "passed" : "failed"
    }

    /// The report as JSON: `{"session_id", "level_of_flexibility", "user", "url", "result",
    /// "steps": [{"step", "required", "result"}], "checks": [{"step", "check", "result", "detail"}]}`.
    package var json: JSONValue {
        let steps = FlexEmulatorCheck.Step.allCases.filter { step in
            session.requiredSteps.contains(step) || session.checks.contains { $0.step == step }
        }
        return .object([
            "session_id": .string(session.id),
            "level_of_flexibility": .number(Double(session.level.rawValue)),
            "user": .string(session.user.rawValue),
            "url": .string(session.url),
            "result": .string(verdict),
            "steps": .array(steps.map { step in
                .object([
                    "step": .string(step.rawValue), "required": .bool(session.requiredSteps.contains(step)),
                    "result": .string(passed(step) ? "passed" : session.checks.contains { $0.step == step } ? "failed" : "not run"),
                ])
            }),
            "checks": .array(session.checks.map { check in
                .object([
                    "step": .string(check.step.rawValue), "check": .string(check.name),
                    "result": .string(check.passed ? "passed" : "failed"), "detail": .string(check.detail),
                ])
            }),
        ])
    }

    /// The report as an HTML document, for a person.
    package var html: String {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var rows = ""
        for step in session.requiredSteps {
            let result = passed(step) ? "passed" : session.checks.contains { $0.step == step } ? "failed" : "not run"
            rows += "<tr><td>\(step.rawValue)</td><td class=\"\(result == "passed" ? "ok" : "ko")\">\(result)</td></tr>\n"
        }
        var checks = ""
        for check in session.checks {
            checks += "<tr><td>\(check.step.rawValue)</td><td>\(escaped(check.name))</td>"
                + "<td class=\"\(check.passed ? "ok" : "ko")\">\(check.passed ? "passed" : "failed")</td><td>\(escaped(check.detail))</td></tr>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Flex Ready test report, session \(escaped(session.id))</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 8px;text-align:left}
            .ok{color:#060}.ko{color:#a00;font-weight:bold}</style></head>
            <body><h1>Flex Ready test report</h1>
            <p>Session <b>\(escaped(session.id))</b>: \(session.user == .bacs ? "BACS" : "operator") at \(escaped(session.url)),
            level of flexibility \(session.level.rawValue).</p>
            <p>Result: <b class="\(verdict == "passed" ? "ok" : "ko")">\(verdict.uppercased())</b></p>
            <h2>Required functions</h2>
            <table><tr><th>function</th><th>result</th></tr>
            \(rows)</table>
            <h2>Checks</h2>
            <table><tr><th>function</th><th>check</th><th>result</th><th>detail</th></tr>
            \(checks)</table>
            </body></html>

            """
    }
}

package import EnergyFlexReady

/// One test session of the emulator: who is tested (a BACS through the operator interface, or an
/// operator through the BACS interface), at which level, at which URL, and every check made.
package struct FlexEmulatorSession: Sendable {
    /// The tested party, as `POST /sessions?user=` names it.
    package enum User: String, Sendable, CaseIterable {
        /// A BACS, called by the emulator's operator interface (Part B of the guide).
        case bacs = "BACS"
        /// An operator, calling the emulator's BACS interface (Part A).
        case `operator` = "Operator"
    }

    package let id: String
    package let level: FlexRequestEvaluator.Level
    package let user: User
    /// The tested party's base URL (`url=`): where the operator interface sends its calls.
    package let url: String
    /// Every check made in the session, in order.
    package var checks: [FlexEmulatorCheck] = []

    package init(id: String, level: FlexRequestEvaluator.Level, user: User, url: String) {
        self.id = id
        self.level = level
        self.user = user
        self.url = url
    }

    /// The functions the session must see pass (the guide's "Test Session Validation Guide"):
    /// askFlex, confirmFlexRequest and realiseFlexRequest, and for a BACS at level 2
    /// getBACSAssetsConsos and getBACSAssetsHisto too.
    package var requiredSteps: [FlexEmulatorCheck.Step] {
        var steps: [FlexEmulatorCheck.Step] = [.askFlex, .confirmFlexRequest, .realiseFlexRequest]
        if user == .bacs && level == .two { steps += [.getBACSAssetsConsos, .getBACSAssetsHisto] }
        return steps
    }
}

/// One check of a session: a call of one function, nominal (as the tested party asked or was
/// asked) or a robustness case (invalid data the emulator sends on its own), and its verdict.
package struct FlexEmulatorCheck: Sendable, Hashable {
    /// The function checked: a BACS route, or the BACS's acceptFlexRequest to the operator.
    package enum Step: String, Sendable, Hashable, CaseIterable {
        case getBACSAssets = "getbacsassets"
        case askFlex = "askflex"
        case confirmFlexRequest = "confirmflexrequest"
        case realiseFlexRequest = "realiseflexrequest"
        case getBACSAssetsHisto = "getbacsassetshisto"
        case getBACSAssetsConsos = "getbacsassetsconsos"
        case acceptFlexRequest = "acceptflexrequest"

        package init(_ route: FlexBACSRoutes.Route) {
            self = switch route {
            case .getBACSAssets: .getBACSAssets
            case .askFlex: .askFlex
            case .confirmFlexRequest: .confirmFlexRequest
            case .realiseFlexRequest: .realiseFlexRequest
            case .getBACSAssetsHisto: .getBACSAssetsHisto
            case .getBACSAssetsConsos: .getBACSAssetsConsos
            }
        }
    }

    package var step: Step
    /// `nominal`, or the robustness case (e.g. `unknown asset`).
    package var name: String
    package var passed: Bool
    /// What was sent and answered, or what was wrong.
    package var detail: String

    package init(step: Step, name: String, passed: Bool, detail: String) {
        self.step = step
        self.name = name
        self.passed = passed
        self.detail = detail
    }

    package var isNominal: Bool { name == "nominal" }
}

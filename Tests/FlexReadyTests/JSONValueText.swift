import AdapterKit
@testable import EnergyFlexReady

/// The decisions' JSON text, for tests.
enum JSONValueText {
    static func of(_ decision: FlexRequestEvaluator.Decision) -> String { JSONValue.object(decision.json).jsonText }
    static func decision(_ text: String) -> FlexRequestEvaluator.Decision? { (try? JSONValue.parse(text)).flatMap(FlexRequestEvaluator.Decision.init(json:)) }
}

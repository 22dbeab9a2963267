import AdapterKit
import AdapterKitTesting
@testable import EnergyHost
import EnergyFlexReady
import EnergyInterruptibility
import EnergyPlantSimulator
import EnergyMQTTBridge
import EnergySmartOA
import EnergyProbe
import EnergyRecorder
import EnergyReplay
import EnergyTIC
import Testing
import EnergyThreshold

/// Each configuration's names, types, allowed values and defaults live in its schema alone: the
/// Swift types carry no default, and these tests fail on any drift between a type and its schema.
@Suite struct ConfigurationContractTests {
    @Test func everyAdapterConfigurationMatchesItsSchema() {
        #expect(ConfigurationContract.violations(of: RecorderAdapter.self) == [])
        #expect(ConfigurationContract.violations(of: ReplayAdapter.self) == [])
        #expect(ConfigurationContract.violations(of: ProbeAdapter.self) == [])
        #expect(ConfigurationContract.violations(of: ThresholdAdapter.self) == [])
        #expect(ConfigurationContract.violations(of: TICAdapter.self) == [])
        #expect(ConfigurationContract.violations(of: InterruptibilityAdapter.self) == [])
        #expect(ConfigurationContract.violations(of: SmartOAAdapter.self) == [])
        #expect(ConfigurationContract.violations(of: PlantSimulatorAdapter.self) == [])
        #expect(ConfigurationContract.violations(of: MQTTBridgeAdapter.self) == [])
        #expect(ConfigurationContract.violations(of: FlexReadyAdapter.self) == [])
    }

    @Test func theHostConfigurationMatchesItsSchema() {
        #expect(ConfigurationContract.violations(
            of: ConfigurationDocument.self,
            schema: HostConfigurationSchema.schema,
            at: "(root)",
            ignoring: ["(root).$schema", "(root).sites[].adapters[].config"]
        ) == [])
    }

    // MARK: - The check catches drift

    private struct Settings: Decodable {
        enum Mode: String, Decodable, CaseIterable { case fast, slow }
        var mode: Mode
        var limit: Int
        var ratio: Double
        var label: String?
        var nested: Nested
        var tags: [String]

        struct Nested: Decodable {
            var enabled: Bool
        }
    }

    private static let matching = JSONSchema.object(
        [
            "mode": .string(default: "fast", oneOf: ["fast", "slow"]),
            "limit": .integer(minimum: 0, default: 5),
            "ratio": .number(default: 0.5),
            "label": .string(),
            "nested": .object(["enabled": .boolean(default: true)], filledWhenMissing: true),
            "tags": .array(of: .string()),
        ],
        required: ["tags"]
    )

    @Test func aMatchingSchemaHasNoViolation() {
        #expect(ConfigurationContract.violations(of: Settings.self, schema: Self.matching, at: "config") == [])
    }

    /// A default changed in the schema to a value the type cannot take, a renamed key, a changed
    /// type, an enumeration that grew on one side, a requiredness that disagrees: each is caught.
    @Test func everyKindOfDriftIsReported() {
        let drifted = JSONSchema.object(
            [
                "mode": .string(default: "medium", oneOf: ["fast", "slow", "turbo"]),
                "limit_count": .integer(minimum: 0, default: 5),
                "ratio": .string(default: "half"),
                "label": .string(default: "x"),
                "nested": .object(["enabled": .integer()]),
                "tags": .array(of: .integer()),
            ],
            required: ["tags"]
        )
        let found = ConfigurationContract.violations(of: Settings.self, schema: drifted, at: "config")
        #expect(found.contains { $0.hasPrefix("config.mode: the default \"medium\" is refused by the schema") })
        #expect(found.contains("config.mode: the type accepts [\"fast\", \"slow\"], the schema [\"fast\", \"slow\", \"turbo\"]"))
        #expect(found.contains("config.limit_count: in the schema, never read by the type"))
        #expect(found.contains("config.limit: read by the type, missing from the schema"))
        #expect(found.contains("config.ratio: the type reads number, the schema says string"))
        #expect(found.contains("config.label: optional in the type, but the schema gives it a default"))
        #expect(found.contains("config.nested: not optional in the type, but neither required nor defaulted by the schema"))
        #expect(found.contains("config.nested.enabled: the type reads boolean, the schema says integer"))
        #expect(found.contains("config.tags[]: the type reads string, the schema says integer"))
    }

    /// Changing a default in the schema alone cannot leave the documentation behind: the tables
    /// of docs/ are checked against every schema.
    @Test func theDocumentedDefaultsAreTheSchemas() throws {
        let found = try DocumentedDefaults.mismatches()
        #expect(found == [])
    }
}

import AdapterKit
import AdapterKitTesting
@testable import EnergySmartOA
import Testing

@Suite struct SmartOAConfigurationTests {
    static let valid = """
        {"base_urls": {"recette": "https://127.0.0.1:8444"}, "ca_certificate": "demo/certs/ca.pem",
         "accounts": [{"name": "producer-a", "token": "secret-token", "token_expires": "2027-01-31",
                       "contracts": [{"contract_id": "OA-1", "targets": ["plant-a"]}, {"contract_id": "OA-2", "targets": ["plant-b"], "acknowledge": "after_plant"}]}]}
        """

    @Test func configurationMatchesItsSchema() {
        #expect(ConfigurationContract.violations(of: SmartOAAdapter.self) == [])
    }

    @Test func aValidConfigurationGetsTheSchemasDefaults() throws {
        let host = try InMemoryHost(configurationDirectory: SmartOATestSupport.repositoryRoot)
        #expect(host.validate(SmartOAAdapter.self, configuration: Self.valid).isEmpty)
        let environment = ValidationEnvironment(
            siteID: "s", instanceID: "i", dataDirectory: host.dataDirectory, configurationDirectory: host.configurationDirectory
        )
        let configuration = try AdapterConfigurations.make(SmartOAAdapter.self, json: Self.valid, environment: environment)
        #expect(configuration.environment == .recette && configuration.pollIntervalS.duration == .seconds(120))
        #expect(configuration.accounts[0].contracts.map(\.acknowledge) == [.onReceipt, .afterPlant])
    }

    @Test(arguments: [
        (#"{"environment": "production", "base_urls": {"recette": "https://x"}, "accounts": [{"name": "a", "token": "t", "contracts": [{"contract_id": "C", "targets": ["p"]}]}]}"#, "base_urls"),
        (#"{"base_urls": {"recette": "http://x"}, "accounts": [{"name": "a", "token": "t", "contracts": [{"contract_id": "C", "targets": ["p"]}]}]}"#, "base_urls"),
        (#"{"base_urls": {"recette": "https://x"}, "accounts": [{"name": "a", "token": "t", "contracts": [{"contract_id": "C", "targets": ["p"]}]}, {"name": "b", "token": "t", "contracts": [{"contract_id": "C", "targets": ["p"]}]}]}"#, "accounts[1].contracts[0].contract_id"),
        (#"{"base_urls": {"recette": "https://x"}, "accounts": [{"name": "a", "token": "t", "token_expires": "sometime in 2027", "contracts": [{"contract_id": "C", "targets": ["p"]}]}]}"#, "accounts[0].token_expires"),
        (#"{"base_urls": {"recette": "https://x"}, "accounts": [{"name": "a", "token": "t", "contracts": [{"contract_id": "C", "targets": []}]}]}"#, "targets"),
        (#"{"base_urls": {"recette": "https://x"}, "ca_certificate": "missing.pem", "accounts": [{"name": "a", "token": "t", "contracts": [{"contract_id": "C", "targets": ["p"]}]}]}"#, "ca_certificate"),
    ])
    func wrongConfigurationsAreRefusedNamingTheKey(json: String, key: String) throws {
        let host = try InMemoryHost(configurationDirectory: SmartOATestSupport.repositoryRoot)
        let issues = host.validate(SmartOAAdapter.self, configuration: json)
        #expect(issues.contains { "\($0)".contains(key) }, "\(issues)")
    }
}

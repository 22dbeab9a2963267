/// Turns an instance's configuration JSON into its adapter's typed configuration, checked by the
/// schema and by the adapter's own ``Adapter/validate(_:in:)``: the one path taken by the C ABI's
/// `validate` and `create` and by the in-memory test host.
package enum AdapterConfigurations {
    /// The decoded configuration; throws an ``AdapterError`` with
    /// ``AdapterError/Code/invalidConfiguration`` naming every problem.
    package static func make<A: Adapter>(_ type: A.Type, json: String, environment: ValidationEnvironment) throws -> A.Configuration {
        let configuration = try ConfigurationDecoder.decode(A.Configuration.self, from: json, schema: A.description.configurationSchema)
        let issues = A.validate(configuration, in: environment)
        guard issues.isEmpty else {
            throw AdapterError(.invalidConfiguration, issues.map(\.description).joined(separator: "; "))
        }
        return configuration
    }

    /// Every problem with `json` for `type`: the schema's or the decoder's, else the adapter's own.
    package static func issues<A: Adapter>(_ type: A.Type, json: String, environment: ValidationEnvironment) -> [ConfigurationIssue] {
        do {
            let configuration = try ConfigurationDecoder.decode(A.Configuration.self, from: json, schema: A.description.configurationSchema)
            return A.validate(configuration, in: environment)
        } catch {
            return [ConfigurationIssue("", "\(error)")]
        }
    }
}

import AdapterKit
import Foundation
import ServiceLifecycle
import Synchronization

extension HostRuntime {
    /// Reads and validates the configuration again, and applies only the difference: new instances
    /// start, removed ones stop gracefully (their queue handed to them first), changed ones stop
    /// and start with their new settings, and unchanged ones keep running as they are (no event
    /// lost, their sequence numbers going on). Nothing changes when the file is invalid: the
    /// report lists its problems. Host settings (`host.*`) wait for the next start.
    public func reload() async -> ReloadReport {
        guard let reloader else { return ReloadReport(refusal: "this host was not started from a configuration file") }
        guard live.withLock({ live in defer { live.reloading = true }; return !live.reloading }) else {
            return ReloadReport(refusal: "a reload is already under way")
        }
        defer { live.withLock { $0.reloading = false } }
        logger.notice("reloading the configuration")
        // Reading, validating and inspecting libraries in runners block (up to 5 s per library
        // that hangs): on a thread of their own, never on the cooperative pool the host runs on.
        let thread = AdapterCallThread(name: "config-reload")
        defer { thread.finish() }
        let result = await thread.submitting { Result { try reloader() } }.wait()
        let loaded: ConfigurationLoader.Loaded
        do {
            guard let result else { return ReloadReport(refusal: "the reload was cancelled (the host is stopping)") }
            loaded = try result.get()
        } catch let error as ConfigurationError {
            logger.error("reload refused: the configuration is invalid; nothing changed", metadata: ["errors": "\(error.issues.count)"])
            var report = ReloadReport(refusal: "")
            report.errors = error.issues.map(\.description)
            return report
        } catch {
            logger.error("reload refused; nothing changed", metadata: ["error": "\(error)"])
            return ReloadReport(refusal: "\(error)")
        }
        return await apply(loaded)
    }

    private func apply(_ loaded: ConfigurationLoader.Loaded) async -> ReloadReport {
        let next = loaded.configuration
        let current = Dictionary(supervisors.all.map { ($0.key, $0) }) { first, _ in first }
        var report = ReloadReport(applied: true)
        var retiring: [AdapterSupervisor] = []
        var starting: [AdapterInstanceConfiguration] = []
        for instance in next.instances {
            let key = "\(instance.siteID)/\(instance.id)"
            guard let running = current[key] else {
                starting.append(instance)
                report.added.append(key)
                continue
            }
            if running.configuration.fingerprint == instance.fingerprint && running.plugin.path == loaded.plugins[instance.plugin]?.path {
                report.kept.append(key)
            } else {
                retiring.append(running)
                starting.append(instance)
                report.restarted.append(key)
            }
        }
        let nextKeys = Set(next.instances.map { "\($0.siteID)/\($0.id)" })
        for (key, supervisor) in current where !nextKeys.contains(key) {
            retiring.append(supervisor)
            report.removed.append(key)
        }
        report.removed.sort()
        if "\(applied.withLock { $0.host })" != "\(next.host)" {
            report.notApplied.append("host settings changed (host.*): they apply at the next start of the host")
        }
        await withDiscardingTaskGroup { group in
            for supervisor in retiring { group.addTask { await supervisor.retire() } }
        }
        var added: [AdapterSupervisor] = []
        for instance in starting {
            do {
                let supervisor = try makeSupervisor(instance, plugin: loaded.plugins[instance.plugin]!, host: applied.withLock { $0.host })
                guard coordinator.join(), let group = live.withLock({ $0.group }) else { break }
                await group.addServiceUnlessShutdown(Self.serviceConfiguration(supervisor))
                added.append(supervisor)
            } catch {
                report.errors.append("\(instance.siteID)/\(instance.id): \(error)")
            }
        }
        supervisors.replace(removing: retiring, adding: added, order: next.instances.map { "\($0.siteID)/\($0.id)" })
        applied.withLock { $0.sites = next.sites }
        logger.notice(
            "configuration reloaded",
            metadata: ["added": "\(report.added)", "removed": "\(report.removed)", "restarted": "\(report.restarted)", "kept": "\(report.kept.count)"]
        )
        return report
    }
}

extension AdapterInstanceConfiguration {
    /// Everything that, changed, makes a reload restart the instance.
    var fingerprint: String {
        [
            plugin, configJSON, "\(subscriptions.map { $0.map { "\($0.topic) \($0.policy)" } } ?? [])", "\(queueCapacity)",
            "\(acceptCommandsFrom)", "\(watchdog)", "\(restart)", isolation.rawValue, "\(limits)",
        ].joined(separator: "\u{1F}")
    }
}

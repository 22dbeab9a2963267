import Foundation

/// MQTT topic names and filters (`+` one level, `#` the rest), as the bus and the MQTT bridge use them.
public enum Topic {
    /// Why a topic or filter is malformed, or nil when it is well formed.
    ///
    /// A topic name (`isFilter == false`) has no wildcards; in a filter `+` and `#` occupy a whole
    /// level and `#` comes last. Neither may be empty or contain NUL.
    public static func problem(in topic: String, isFilter: Bool) -> String? {
        if topic.isEmpty { return "a topic cannot be empty" }
        if topic.utf8.contains(0) { return "a topic cannot contain NUL" }
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in levels.enumerated() {
            let hasWildcard = level.contains("+") || level.contains("#")
            guard hasWildcard else { continue }
            guard isFilter else { return "a topic name cannot contain the wildcards + or #" }
            if level.count > 1 { return "a wildcard must occupy a whole level (\"\(level)\")" }
            if level == "#" && index != levels.count - 1 { return "# must be the last level" }
        }
        return nil
    }

    /// Whether `topic` (a name) matches `filter`.
    public static func matches(_ topic: String, filter: String) -> Bool {
        var topicLevels = topic.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)[...]
        for level in filter.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if level.elementsEqual("#".utf8) { return true }
            guard let topicLevel = topicLevels.popFirst() else { return false }
            if level.elementsEqual("+".utf8) { continue }
            if !level.elementsEqual(topicLevel) { return false }
        }
        return topicLevels.isEmpty
    }

    /// Replaces the placeholders `{site}` and `{adapter}` of a manifest topic.
    public static func expand(_ template: String, site: String, adapter: String) -> String {
        template.replacingOccurrences(of: "{site}", with: site).replacingOccurrences(of: "{adapter}", with: adapter)
    }
}

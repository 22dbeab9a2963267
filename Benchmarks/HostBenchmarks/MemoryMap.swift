import Foundation

/// A process's memory by mapping, from `/proc/<pid>/smaps` (Linux): each library and the
/// executable by file name, and the anonymous memory by what holds it.
///
/// Anonymous mappings carry no name; they are told apart by their neighbours, as glibc lays them
/// out: a thread's stack sits just above its guard page (an inaccessible mapping of a few KiB),
/// and a malloc arena of another thread than the main one starts on a 64 MiB boundary (glibc
/// reserves each arena's heap there). The rest are large allocations glibc maps on their own
/// and the runtimes' own mappings.
struct MemoryMap {
    private struct Mapping {
        var start: UInt64
        var end: UInt64
        var permissions: Substring
        var path: Substring
        var memory = ProcessMemory()

        var isAnonymous: Bool { path.isEmpty }
    }

    private let mappings: [Mapping]
    private let executable: String

    /// Reads `/proc/<pid>/smaps`; `executable` is the file name of the process's executable.
    init?(pid: Int32, executable: String) {
        guard let text = ProcessMemory.procFile("/proc/\(pid)/smaps") else { return nil }
        var mappings: [Mapping] = []
        for line in text.split(separator: "\n") {
            if let mapping = Self.header(line) {
                mappings.append(mapping)
            } else if !mappings.isEmpty {
                mappings[mappings.count - 1].memory.add(line: line)
            }
        }
        self.mappings = mappings
        self.executable = executable
    }

    /// `start-end perms offset device inode [path]`, or nil for a line of figures.
    private static func header(_ line: Substring) -> Mapping? {
        let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count >= 5, !fields[0].hasSuffix(":") else { return nil }
        let bounds = fields[0].split(separator: "-")
        guard bounds.count == 2, let start = UInt64(bounds[0], radix: 16), let end = UInt64(bounds[1], radix: 16) else {
            return nil
        }
        let path = fields.count == 6 ? fields[5].drop { $0 == " " } : ""
        return Mapping(start: start, end: end, permissions: fields[1], path: path)
    }

    /// The memory of each group of mappings, largest resident first.
    func groups() -> [(name: String, memory: ProcessMemory)] {
        var totals: [String: ProcessMemory] = [:]
        for index in mappings.indices {
            let name = group(of: index)
            totals[name] = (totals[name] ?? ProcessMemory()) + mappings[index].memory
        }
        return totals.map { (name: $0.key, memory: $0.value) }.sorted { $0.memory.rss > $1.memory.rss }
    }

    private func group(of index: Int) -> String {
        let mapping = mappings[index]
        if mapping.path.hasPrefix("/") {
            let name = String(mapping.path.split(separator: "/").last ?? mapping.path)
            return name.contains(".so") || name == executable ? name : "other files (databases, locales)"
        }
        switch mapping.path {
        case "": return anonymousGroup(of: index)
        case "[heap]": return "heap of the main thread (brk)"
        case "[stack]": return "stack of the main thread"
        default: return "kernel (\(mapping.path))"
        }
    }

    private func anonymousGroup(of index: Int) -> String {
        let mapping = mappings[index]
        if index > 0 {
            let below = mappings[index - 1]
            if below.isAnonymous, below.permissions.hasPrefix("---"), below.end == mapping.start,
                below.end - below.start <= 64 << 10
            {
                return "thread stacks"
            }
        }
        if mapping.start % (64 << 20) == 0 { return "malloc arenas of other threads" }
        return "other anonymous (large allocations, runtimes)"
    }
}

import Foundation

/// Resident (RSS), proportional (PSS) and private memory of a process, in KiB, from
/// `/proc/<pid>/smaps_rollup` or one mapping of `/proc/<pid>/smaps` (Linux).
///
/// Private is `Private_Clean + Private_Dirty`: the pages no other process maps. Clean private
/// pages of a file (the code of a library only this process loads) can be dropped by the kernel
/// and read again; dirty ones (heap, stacks, relocated data) stay until the process frees them.
struct ProcessMemory {
    var rss = 0
    var pss = 0
    var privateClean = 0
    var privateDirty = 0

    var privateTotal: Int { privateClean + privateDirty }

    /// Adds one `Key:   value kB` line of an smaps file, if it is one of the four figures.
    mutating func add(line: Substring) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2, let value = Int(fields[1]) else { return }
        switch fields[0] {
        case "Rss:": rss += value
        case "Pss:": pss += value
        case "Private_Clean:": privateClean += value
        case "Private_Dirty:": privateDirty += value
        default: break
        }
    }

    static func + (left: ProcessMemory, right: ProcessMemory) -> ProcessMemory {
        ProcessMemory(
            rss: left.rss + right.rss,
            pss: left.pss + right.pss,
            privateClean: left.privateClean + right.privateClean,
            privateDirty: left.privateDirty + right.privateDirty
        )
    }

    /// The whole process, from `/proc/<pid>/smaps_rollup`; nil when it cannot be read.
    static func rollup(pid: Int32) -> ProcessMemory? {
        guard let text = procFile("/proc/\(pid)/smaps_rollup") else { return nil }
        var memory = ProcessMemory()
        for line in text.split(separator: "\n") { memory.add(line: line) }
        return memory
    }

    /// The whole text of a `/proc` file (they report a size of 0, so it is read to its end).
    static func procFile(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// `KiB` as megabytes (2^20 bytes) with one decimal.
    static func megabytes(_ kib: Int) -> String {
        String(format: "%.1f MB", Double(kib) / 1024)
    }

    /// RSS, PSS and private, then private dirty, in megabytes.
    var summary: String {
        "RSS \(Self.megabytes(rss)), PSS \(Self.megabytes(pss)), private \(Self.megabytes(privateTotal)) "
            + "(dirty \(Self.megabytes(privateDirty)))"
    }
}

import Foundation
import TestSupport

/// The PostgreSQL binary directories under test: `PG_BINDIRS` (colon-separated, set by scripts/test for
/// 15, 16 and 18), else the one `pg_config --bindir` names.
enum PostgresVersions {
    static let binDirs: [String] = {
        if let list = ProcessInfo.processInfo.environment["PG_BINDIRS"], !list.isEmpty {
            return list.split(separator: ":").map(String.init)
        }
        let result = try? Command.run("/usr/bin/pg_config", ["--bindir"], timeout: .seconds(10))
        return [result?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "/usr/lib/postgresql/15/bin"]
    }()

    /// The first directory: wire-level tests do not depend on the server version and run once.
    static var primaryBinDir: String { binDirs[0] }
}

/// One healthy primary + streaming standby per version, started on first use and shared by the tests that
/// only read; the TestSupport registry stops them when the test process exits.
final class SharedLabs: @unchecked Sendable {
    static let shared = SharedLabs()
    private let lock = NSLock()
    private var labs: [String: PostgresLab] = [:]

    func lab(_ binDir: String) throws -> PostgresLab {
        try lock.withLock {
            if let lab = labs[binDir] { return lab }
            let lab = try PostgresLab.start(standby: true, monitorRole: true, binDir: binDir)
            labs[binDir] = lab
            return lab
        }
    }
}

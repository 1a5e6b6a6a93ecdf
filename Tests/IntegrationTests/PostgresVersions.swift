import Foundation
import TestSupport

/// The PostgreSQL versions under test, one binary directory each (`PostgresBinaries`).
enum PostgresVersions {
    static let binDirs = PostgresBinaries.directories

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

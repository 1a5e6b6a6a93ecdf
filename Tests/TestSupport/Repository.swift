import Foundation

/// Paths inside the pgsql-state repository, found from this source file's location
/// (`Tests/TestSupport/Repository.swift`).
public enum Repository {
    /// The repository root (the directory holding Package.swift).
    public static let root: String = {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Tests/TestSupport
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // root
            .path
    }()

    /// `scripts/pg-cluster` (override with `$PG_CLUSTER`).
    public static var pgCluster: String {
        if let override = ProcessInfo.processInfo.environment["PG_CLUSTER"], !override.isEmpty {
            return override
        }
        return root + "/scripts/pg-cluster"
    }

    /// An absolute path for `relative` (e.g. `"xinetd/pgsql-state"`).
    public static func path(_ relative: String) -> String {
        root + "/" + relative
    }
}

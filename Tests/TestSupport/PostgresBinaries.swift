import Foundation

/// The PostgreSQL binary directories under test: `PG_BINDIRS` (colon-separated; scripts/test sets it for 15,
/// 16 and 18), else the one `pg_config --bindir` names.
public enum PostgresBinaries {
    public static let directories: [String] = {
        if let list = ProcessInfo.processInfo.environment["PG_BINDIRS"], !list.isEmpty {
            return list.split(separator: ":").map(String.init)
        }
        let result = try? Command.run("/usr/bin/pg_config", ["--bindir"], timeout: .seconds(10))
        return [result?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "/usr/lib/postgresql/15/bin"]
    }()
}

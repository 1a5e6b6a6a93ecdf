import Foundation

/// The `pgsql-state` executable under test.
public enum CheckerBinary {
    /// `$PGSQL_STATE_BIN` if set; otherwise `pgsql-state` next to the running test executable
    /// (`.build/<triple>/debug/`, where `swift build` put it).
    public static var path: String {
        if let override = ProcessInfo.processInfo.environment["PGSQL_STATE_BIN"], !override.isEmpty {
            return override
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? "."
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("pgsql-state").path
    }

    /// `path`, after checking that it is an executable file.
    public static func require() throws -> String {
        let path = path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CheckerBinaryMissing(path: path)
        }
        return path
    }
}

public struct CheckerBinaryMissing: Error, CustomStringConvertible {
    public let path: String
    public var description: String {
        "pgsql-state executable not found at \(path) (run `swift build` first, or set PGSQL_STATE_BIN)"
    }
}

#if canImport(Glibc)
import Glibc
#endif
import PgsqlStateCore

/// Reads a `--config` file: small, whole, or a usage error that says why.
public enum ConfigText {
    /// Larger than any sensible list of peers; a bigger file is a mistake (or not a config file).
    public static let maximumBytes = 65_536

    public static func read(_ path: String) throws(UsageError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw UsageError("--config: cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw UsageError("--config: cannot read \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            bytes += buffer[..<count]
            guard bytes.count <= maximumBytes else { throw UsageError("--config: \(path) is larger than \(maximumBytes) bytes") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw UsageError("--config: \(path) is not UTF-8 text") }
        return text
    }
}

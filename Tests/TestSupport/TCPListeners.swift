import Foundation

/// Which TCP ports are in LISTEN state, from /proc/net/tcp and /proc/net/tcp6 (no connection made).
public enum TCPListeners {
    /// True when some socket listens on `port` (any local address).
    public static func isListening(port: UInt16) -> Bool {
        let wanted = String(format: ":%04X", port)
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = readWholeFile(table) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                // sl local_address rem_address st ...
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 3 else { continue }
                if fields[3] == "0A" && fields[1].hasSuffix(wanted) { return true }
            }
        }
        return false
    }
}

/// /proc files report size 0, and Foundation's String(contentsOfFile:) then reads one page only: a
/// listener past the first ~27 sockets would be missed. read(2) until EOF instead.
func readWholeFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        guard count > 0 else { break }
        bytes += chunk[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

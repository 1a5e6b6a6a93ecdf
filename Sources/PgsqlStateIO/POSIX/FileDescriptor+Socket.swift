import CPosix
import PgsqlStateCore

/// The socket calls on a descriptor: what the client detection and syslog need.
extension FileDescriptor {
    /// socket(2).
    package static func socket(domain: Int32, type: Int32) -> Result<FileDescriptor, Errno> {
        valueOrErrno { CPosix.socket(domain, type, 0) }.map(FileDescriptor.init(rawValue:))
    }

    /// connect(2) to an AF_UNIX socket at `path` (at most sizeof(sun_path) - 1 bytes, unix(7)).
    package func connect(unixPath path: String) -> Result<Void, Errno> {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return .failure(Errno(rawValue: ENAMETOOLONG)) }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                nothingOrErrno { CPosix.connect(rawValue, address, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
        }
    }

    /// getsockopt(2) SO_TYPE: SOCK_STREAM, SOCK_DGRAM…; ENOTSOCK when this is no socket.
    package func socketType() -> Result<Int32, Errno> {
        var type: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return nothingOrErrno { getsockopt(rawValue, SOL_SOCKET, SO_TYPE, &type, &length) }.map { type }
    }

    /// getpeername(2)'s address family (AF_INET, AF_INET6, AF_UNIX…); ENOTCONN when nothing is connected.
    package func peerAddressFamily() -> Result<Int32, Errno> {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                nothingOrErrno { getpeername(rawValue, socketAddress, &length) }
            }
        }
        return result.map { Int32(address.ss_family) }
    }
}

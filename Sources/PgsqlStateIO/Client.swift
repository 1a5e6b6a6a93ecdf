import CPosix

/// Where the client is. xinetd and systemd's `StandardInput=socket` put the accepted socket on fds 0 and 1
/// (xinetd on 2 as well); `StandardOutput=socket` alone puts it on fd 1 with stdin on /dev/null. A socket is
/// both ends of the conversation whichever number it has, so it is read and written through one fd.
///
/// Only a connected TCP socket (AF_INET or AF_INET6, SOCK_STREAM, with a peer address, getpeername(2)) is HAProxy: under
/// systemd, stdout and stderr are often the journal's AF_UNIX stream socket (systemd.exec(5),
/// StandardOutput=journal), which must get neither HTTP nor silence. HAProxy reaches checks over TCP only
/// (agent-check and port checks connect to an address), so an AF_UNIX socket is never taken for it.
public enum Client: Equatable, Sendable {
    case socket(FileDescriptor)
    /// Started from a shell (keepalived, monitoring): no request, answer on stdout, exit status.
    case command

    public static func detect() -> Client {
        if isConnectedTCP(.standardInput) { return .socket(.standardInput) }
        if isConnectedTCP(.standardOutput) { return .socket(.standardOutput) }
        return .command
    }

    /// A connected AF_INET/AF_INET6 stream socket: what xinetd and an Accept=yes socket unit pass.
    public static func isConnectedTCP(_ fd: FileDescriptor) -> Bool {
        guard case .success(let status) = fd.status(), status.st_mode & mode_t(S_IFMT) == mode_t(S_IFSOCK) else {
            return false
        }
        var type: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard case .success = nothingOrErrno({ getsockopt(fd.rawValue, SOL_SOCKET, SO_TYPE, &type, &length) }),
              type == Int32(SOCK_STREAM.rawValue) else { return false }
        var address = sockaddr_storage()
        var addressLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let connected = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress -> Bool in
                guard case .success = nothingOrErrno({ getpeername(fd.rawValue, socketAddress, &addressLength) }) else { return false }
                return true
            }
        }
        let family = Int32(address.ss_family)
        return connected && (family == AF_INET || family == AF_INET6)
    }

    /// Nothing may reach the client but the answer: a runtime error message written to stderr would land
    /// before the status line. When fd 2 is a TCP connection (xinetd) it is pointed at /dev/null instead;
    /// the journal's stream socket stays, so StandardError=journal keeps what the runtime writes.
    public static func silenceStandardErrorIfClient() {
        guard isConnectedTCP(.standardError) else { return }
        switch FileDescriptor.open("/dev/null", O_WRONLY | O_CLOEXEC) {
        case .success(let null):
            _ = null.duplicate(as: .standardError)
            null.close()
        case .failure:
            FileDescriptor.standardError.close()
        }
    }

    /// Swift's default is to die on SIGPIPE; a client that goes away is a normal end here.
    public static func ignoreBrokenPipe() {
        _ = pgsql_state_ignore_signal(SIGPIPE)
    }
}

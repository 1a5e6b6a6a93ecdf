import CPosix

/// Where the client is. xinetd and systemd's `StandardInput=socket` put the accepted socket on fds 0 and 1
/// (xinetd on 2 as well); `StandardOutput=socket` alone puts it on fd 1 with stdin on /dev/null. A socket is
/// both ends of the conversation whichever number it has, so it is read and written through one fd.
///
/// Only a connected TCP socket (AF_INET or AF_INET6, SOCK_STREAM, with a peer address, getpeername(2)) is HAProxy: under
/// systemd, stdout and stderr are often the journal's AF_UNIX stream socket (systemd.exec(5),
/// StandardOutput=journal), which must get neither HTTP nor silence. HAProxy reaches checks over TCP only
/// (agent-check and port checks connect to an address), so an AF_UNIX socket is never taken for it.
package enum Client: Equatable, Sendable {
    case socket(FileDescriptor)
    /// Started from a shell (keepalived, monitoring): no request, answer on stdout, exit status.
    case command

    package static func detect() -> Client {
        if isConnectedTCP(.standardInput) { return .socket(.standardInput) }
        if isConnectedTCP(.standardOutput) { return .socket(.standardOutput) }
        return .command
    }

    /// A connected AF_INET/AF_INET6 stream socket: what xinetd and an Accept=yes socket unit pass.
    package static func isConnectedTCP(_ fd: FileDescriptor) -> Bool {
        guard case .success(let status) = fd.status(), status.st_mode & mode_t(S_IFMT) == mode_t(S_IFSOCK),
              fd.socketType() == .success(Int32(SOCK_STREAM.rawValue)),
              case .success(let family) = fd.peerAddressFamily() else { return false }
        return family == AF_INET || family == AF_INET6
    }

    /// Nothing may reach the client but the answer: a runtime error message written to stderr would land
    /// before the status line. When fd 2 is a TCP connection (xinetd) it is pointed at /dev/null instead;
    /// the journal's stream socket stays, so StandardError=journal keeps what the runtime writes.
    package static func silenceStandardErrorIfClient() {
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
    package static func ignoreBrokenPipe() {
        _ = ThisProcess.ignore(signal: SIGPIPE)
    }
}

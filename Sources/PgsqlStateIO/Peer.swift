#if canImport(Glibc)
import Glibc
#endif

/// Where the client is. xinetd and systemd's `StandardInput=socket` put the accepted socket on fds 0 and 1
/// (xinetd on 2 as well); `StandardOutput=socket` alone puts it on fd 1 with stdin on /dev/null. A socket is
/// both ends of the conversation whichever number it has, so it is read and written through one fd.
public enum Peer: Equatable, Sendable {
    case socket(Int32)
    /// Started from a shell (keepalived, monitoring): no request, answer on stdout, exit status.
    case command

    public static func detect() -> Peer {
        if isSocket(0) { return .socket(0) }
        if isSocket(1) { return .socket(1) }
        return .command
    }

    public static func isSocket(_ fd: Int32) -> Bool {
        var status = stat()
        return fstat(fd, &status) == 0 && (status.st_mode & S_IFMT) == S_IFSOCK
    }

    /// Nothing may reach the socket but the answer: a runtime error message written to stderr would land
    /// before the status line. When fd 2 is a socket it is pointed at /dev/null instead.
    public static func silenceStandardErrorIfSocket() {
        guard isSocket(2) else { return }
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        if null >= 0 {
            dup2(null, 2)
            close(null)
        } else {
            close(2)
        }
    }

    /// Swift's default is to die on SIGPIPE; a peer that goes away is a normal end here.
    public static func ignoreBrokenPipe() {
        signal(SIGPIPE, SIG_IGN)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A pipe whose ends are close-on-exec (the child gets its end through dup2 only).
final class CloexecPipe {
    private(set) var readEnd: Int32
    private(set) var writeEnd: Int32

    init() throws {
        var fds: [Int32] = [-1, -1]
        // pipe2 is not imported by Swift's Glibc module; children close fds >= 3 anyway (closefrom).
        guard pipe(&fds) == 0 else {
            throw CommandError.launchFailed(command: "pipe", reason: String(cString: strerror(errno)))
        }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    func closeReadEnd() {
        if readEnd >= 0 { close(readEnd) }
        readEnd = -1
    }

    func closeWriteEnd() {
        if writeEnd >= 0 { close(writeEnd) }
        writeEnd = -1
    }

    func closeBoth() {
        closeReadEnd()
        closeWriteEnd()
    }
}

/// Reads a child's stdout and stderr (and feeds its stdin) without threads, with `poll(2)`.
struct PipeCollector {
    private var stdoutFD: Int32
    private var stderrFD: Int32
    private var stdinFD: Int32
    private var input: [UInt8]
    private var inputOffset = 0
    private var stdoutBytes: [UInt8] = []
    private var stderrBytes: [UInt8] = []

    init(stdout: Int32, stderr: Int32, stdin: Int32?, input: [UInt8]) {
        stdoutFD = stdout
        stderrFD = stderr
        stdinFD = stdin ?? -1
        self.input = input
        if stdinFD >= 0 {
            _ = fcntl(stdinFD, F_SETFL, fcntl(stdinFD, F_GETFL) | O_NONBLOCK)
            if input.isEmpty { closeStdin() }
        }
    }

    var outputClosed: Bool { stdoutFD < 0 && stderrFD < 0 }
    var stdoutText: String { String(decoding: stdoutBytes, as: UTF8.self) }
    var stderrText: String { String(decoding: stderrBytes, as: UTF8.self) }

    /// Waits up to `maxWait` for activity, then reads/writes whatever is ready.
    mutating func pump(maxWait: Duration) {
        var fds: [pollfd] = []
        if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
        if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
        if stdinFD >= 0 { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
        guard !fds.isEmpty else {
            blockingSleep(min(maxWait, .milliseconds(1)))  // only the child's exit is left to notice
            return
        }
        let ready = poll(&fds, nfds_t(fds.count), maxWait.pollMilliseconds)
        guard ready > 0 else { return }
        for entry in fds where entry.revents != 0 {
            if entry.fd == stdinFD {
                writeInput()
            } else if entry.fd == stdoutFD {
                if !drain(stdoutFD, into: &stdoutBytes) { stdoutFD = -1 }
            } else if entry.fd == stderrFD {
                if !drain(stderrFD, into: &stderrBytes) { stderrFD = -1 }
            }
        }
    }

    /// Reads what is available; false at EOF or on error.
    private func drain(_ fd: Int32, into bytes: inout [UInt8]) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
            bytes.append(contentsOf: buffer[0..<count])
            return true
        }
        return count < 0 && (errno == EINTR || errno == EAGAIN)
    }

    private mutating func writeInput() {
        let remaining = input.count - inputOffset
        let written = input.withUnsafeBytes {
            writeWithoutSIGPIPE(stdinFD, $0.baseAddress! + inputOffset, remaining)
        }
        if written > 0 { inputOffset += written }
        if inputOffset >= input.count || (written < 0 && errno != EINTR && errno != EAGAIN) {
            closeStdin()
        }
    }

    /// Closes our end of the child's stdin (the collector owns it).
    mutating func closeStdin() {
        if stdinFD >= 0 { close(stdinFD) }
        stdinFD = -1
    }
}

/// `write(2)` to a pipe whose reader may be gone, without dying of SIGPIPE and without changing the
/// process-wide disposition (an ignored SIGPIPE would be inherited by every child we start): the signal
/// is blocked for this thread during the write and a pending one is consumed.
func writeWithoutSIGPIPE(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    var pipeSet = sigset_t()
    sigemptyset(&pipeSet)
    sigaddset(&pipeSet, SIGPIPE)
    var oldMask = sigset_t()
    pthread_sigmask(SIG_BLOCK, &pipeSet, &oldMask)
    let alreadyPending: Bool = {
        var pending = sigset_t()
        sigpending(&pending)
        return sigismember(&pending, SIGPIPE) == 1
    }()
    let written = write(fd, pointer, count)
    let savedErrno = errno
    if written < 0, savedErrno == EPIPE, !alreadyPending {
        var zero = timespec(tv_sec: 0, tv_nsec: 0)
        _ = sigtimedwait(&pipeSet, nil, &zero)
    }
    pthread_sigmask(SIG_SETMASK, &oldMask, nil)
    errno = savedErrno
    return written
}

import Foundation
import Testing

/// Every syscall goes through the POSIX seam (`Sources/PgsqlStateIO/POSIX`): one place keeps errno with the
/// result and retries EINTR (signal(7)), as swift-system's Syscalls.swift does. A direct call anywhere else in
/// Sources fails here, with its file and line.
@Suite struct SyscallSeamTests {
    /// System calls (section 2 of the manual) a checker could reach for, syslog(3) and openlog(3) (which
    /// block, Syslog.swift says why), and exit(3).
    static let syscalls: Set<String> = [
        "open", "openat", "creat", "read", "pread", "readv", "write", "pwrite", "writev", "close", "lseek",
        "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "send", "sendto", "sendmsg",
        "recv", "recvfrom", "recvmsg", "shutdown", "getpeername", "getsockname", "getsockopt", "setsockopt",
        "fcntl", "ioctl", "poll", "ppoll", "select", "epoll_wait", "dup", "dup2", "dup3", "pipe", "pipe2",
        "stat", "fstat", "lstat", "fstatat", "access", "faccessat", "unlink", "rename", "mkdir", "chmod", "chown",
        "flock", "lockf", "signal", "sigaction", "kill", "raise", "fork", "vfork", "execve", "execv", "waitpid",
        "exit", "_exit", "getpid", "getppid", "getuid", "geteuid", "time", "clock_gettime", "gettimeofday",
        "nanosleep", "usleep", "sleep", "syslog", "openlog", "closelog", "vsyslog",
    ]

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let seam = "Sources/PgsqlStateIO/POSIX/"

    /// The C helpers of the seam's own module (CPosix.h), which wrap calls Swift cannot make itself.
    static func shims() throws -> Set<String> {
        let header = try String(contentsOf: repository.appendingPathComponent("Sources/CPosix/include/CPosix.h"), encoding: .utf8)
        return Set(matches(of: #"\b(pgsql_state_[a-z_]+)\("#, in: header))
    }

    static func matches(of pattern: String, in text: String) -> [String] {
        let expression = try! NSRegularExpression(pattern: pattern)
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    /// `name(` calls of `forbidden` names in Swift source: not a method (`fd.read(`), not a function or enum
    /// case the same file declares (`func read(`, `case open(`), not in a comment.
    static func directCalls(in source: String, forbidden: Set<String>) -> [(line: Int, name: String)] {
        let declared = Set(matches(of: #"\b(?:func|case)\s+([A-Za-z_][A-Za-z0-9_]*)\s*[(<]"#, in: source))
        var found: [(line: Int, name: String)] = []
        for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let code = line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? String(line)
            for name in matches(of: #"(?<![.\w])([A-Za-z_][A-Za-z0-9_]*)\("#, in: code)
            where forbidden.contains(name) && !declared.contains(name) {
                found.append((index + 1, name))
            }
        }
        return found
    }

    @Test func theScanFindsADirectCallAndIgnoresMethodsDeclarationsAndComments() {
        let source = """
            let fd = socket(AF_UNIX, flags, 0)
            _ = fd.read(into: buffer)  // read(2)
            /// close(2), not retried
            private func write(_ answer: Answer) { write(answer) }
            _ = pgsql_state_ignore_signal(SIGPIPE)
            """
        let found = Self.directCalls(in: source, forbidden: Self.syscalls.union(["pgsql_state_ignore_signal"]))
        #expect(found.map { "\($0.line): \($0.name)" } == ["1: socket", "5: pgsql_state_ignore_signal"])
    }

    @Test func onlyThePOSIXSeamCallsTheSystem() throws {
        let forbidden = try Self.syscalls.union(Self.shims())
        let sources = Self.repository.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && !("Sources/" + $0).hasPrefix(Self.seam) }
        #expect(files.count > 20, "Sources not found at \(sources.path)")
        var calls: [String] = []
        for file in files.sorted() {
            let source = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            calls += Self.directCalls(in: source, forbidden: forbidden).map { "Sources/\(file):\($0.line): \($0.name)(" }
        }
        #expect(calls.isEmpty, "direct calls outside \(Self.seam) (move them behind FileDescriptor, FileSystem or ThisProcess):\n\(calls.joined(separator: "\n"))")
    }
}

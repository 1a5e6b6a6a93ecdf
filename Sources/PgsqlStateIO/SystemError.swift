#if canImport(Glibc)
import Glibc
#endif

/// errno as words, for log lines (strerror(3)).
public enum SystemError {
    public static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}

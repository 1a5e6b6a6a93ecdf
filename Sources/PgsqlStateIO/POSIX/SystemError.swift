/// errno as words, for log lines (strerror(3)).
public enum SystemError {
    public static func text(_ code: Int32) -> String { Errno(rawValue: code).description }
}

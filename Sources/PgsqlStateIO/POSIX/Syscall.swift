import CPosix
import PgsqlStateCore

/// The one place that turns a C return value into a result: -1 becomes the errno it left, and EINTR
/// (a signal arrived during the call, signal(7)) is retried here and nowhere else.
@inline(__always)
func valueOrErrno<Value: FixedWidthInteger>(_ call: () -> Value) -> Result<Value, Errno> {
    while true {
        let value = call()
        if value != -1 { return .success(value) }
        let error = Errno.current
        if error == .interrupted { continue }
        return .failure(error)
    }
}

/// For calls that only succeed or fail.
@inline(__always)
func nothingOrErrno<Value: FixedWidthInteger>(_ call: () -> Value) -> Result<Void, Errno> {
    valueOrErrno(call).map { _ in () }
}

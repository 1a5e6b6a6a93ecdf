/// Output when started from a shell: stdout for the answer, stderr for usage errors.
package enum CommandOutput {
    /// Best effort: a closed stdout or stderr has nobody to tell.
    package static func write(_ bytes: [UInt8], to fd: FileDescriptor) {
        _ = fd.writeAll(bytes)
    }
}

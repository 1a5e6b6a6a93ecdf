import Foundation

extension Duration {
    /// The duration in (fractional) seconds.
    public var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }

    /// The duration in (fractional) milliseconds.
    public var inMilliseconds: Double { inSeconds * 1000 }

    /// For `DispatchSemaphore.wait(timeout:)` and friends, rounded up to whole milliseconds.
    public var dispatchInterval: DispatchTimeInterval { .milliseconds(Int(inMilliseconds.rounded(.up))) }

    /// The duration in whole milliseconds, rounded up, clamped to `0...Int32.max` (for `poll(2)`).
    public var pollMilliseconds: Int32 {
        let ms = (inSeconds * 1000).rounded(.up)
        if ms <= 0 { return 0 }
        return ms >= Double(Int32.max) ? Int32.max : Int32(ms)
    }
}

/// Blocks the calling thread (TestSupport is synchronous on purpose: tests call it from sync code).
public func blockingSleep(_ duration: Duration) {
    guard duration > .zero else { return }
    Thread.sleep(forTimeInterval: duration.inSeconds)
}

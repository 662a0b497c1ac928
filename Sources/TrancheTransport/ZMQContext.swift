internal import CZMQ

/// A libzmq context: owns the I/O threads and every socket made from it.
///
/// Thread-safe (libzmq contexts are), hence `@unchecked Sendable`: share one per
/// process. It is terminated when the last reference goes — and every `ZMQSocket`
/// holds one, so that happens only after all its sockets are closed.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// - Parameters:
    ///   - ioThreads: libzmq I/O threads; 1 is plenty below a gigabyte per second.
    ///   - lingerByDefault: when false (the default) new sockets start with a linger
    ///     of 0, so closing never waits for unsent messages and the context never
    ///     hangs at exit. A socket that must flush on close sets its own linger.
    public init(ioThreads: Int = 1, lingerByDefault: Bool = false) throws(ZMQError) {
        guard let handle = zmq_ctx_new() else { throw .last("zmq_ctx_new") }
        self.handle = handle
        if zmq_ctx_set(handle, ZMQ_IO_THREADS, Int32(ioThreads)) != 0 {
            let error = ZMQError.last("zmq_ctx_set(ZMQ_IO_THREADS, \(ioThreads))")
            zmq_ctx_term(handle)
            throw error
        }
        if !lingerByDefault { zmq_ctx_set(handle, ZMQ_BLOCKY, 0) }
    }

    /// Makes every blocking call on every socket of this context fail at once with
    /// `.terminated`, so socket threads can leave their loops. Safe from any thread.
    /// The sockets must still be closed (released) by their threads.
    public func shutdown() {
        zmq_ctx_shutdown(handle)
    }

    /// Terminates the context once every socket is closed: waits (up to each socket's
    /// linger) for queued messages to be sent. Call after closing the sockets.
    public func terminate() {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
        terminated = true
    }

    private var terminated = false

    deinit {
        // Retry on EINTR: zmq_ctx_term may be interrupted by a signal.
        if !terminated { while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {} }
    }
}

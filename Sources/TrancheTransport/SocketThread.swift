import Foundation
import Synchronization

/// Runs a socket loop on a dedicated `Foundation.Thread`.
///
/// Blocking in `zmq_recv`/`zmq_poll` inside a Swift concurrency task stalls the
/// process (the cooperative pool has as many threads as cores: two here), so every
/// socket lives on a thread of its own: the body creates its sockets, loops until
/// `isStopRequested`, and hands work to the rest of the program through something
/// Sendable (an `AsyncStream` continuation, a queue):
///
/// ```swift
/// let (events, continuation) = AsyncStream.makeStream(of: [[UInt8]].self)
/// let rx = SocketThread.start(name: "rx") { thread in
///     do {
///         let socket = try ZMQSocket(context, .pull)
///         try socket.connect(endpoint)
///         while !thread.isStopRequested {
///             if let message = try socket.receive(timeoutMilliseconds: 100) { continuation.yield(message) }
///         }
///     } catch { /* log; .terminated after context.shutdown() */ }
///     continuation.finish()
/// }
/// // later: rx.stop()
/// ```
///
/// A loop blocked without a timeout is woken by `ZMQContext.shutdown()`, which makes
/// its call fail with `.terminated`.
public final class SocketThread: Sendable {
    public let name: String
    private let stopRequested = Atomic<Bool>(false)
    private let finished = Mutex<Bool>(false)
    /// Signalled once when the body returns; `join` passes the signal on so any
    /// number of joiners wake.
    private let done = DispatchSemaphore(value: 0)

    private init(name: String) { self.name = name }

    /// Starts `body` on a new thread and returns at once.
    @discardableResult
    public static func start(name: String, _ body: @escaping @Sendable (SocketThread) -> Void) -> SocketThread {
        let control = SocketThread(name: name)
        let thread = Thread {
            body(control)
            control.finished.withLock { $0 = true }
            control.done.signal()
        }
        thread.name = name
        thread.start()
        return control
    }

    /// True once `requestStop()` was called: the body should leave its loop.
    public var isStopRequested: Bool { stopRequested.load(ordering: .acquiring) }

    /// True once the body has returned.
    public var isFinished: Bool { finished.withLock { $0 } }

    /// Asks the body to return; does not wait.
    public func requestStop() { stopRequested.store(true, ordering: .releasing) }

    /// Waits until the body has returned. Blocks the calling thread: never call it
    /// from a Swift concurrency task for long.
    public func join() {
        done.wait()
        done.signal()
    }

    /// Waits up to `seconds`; true when the body has returned.
    public func join(timeoutSeconds seconds: Double) -> Bool {
        guard done.wait(timeout: .now() + seconds) == .success else { return false }
        done.signal()
        return true
    }

    /// `requestStop()` then `join()`.
    public func stop() {
        requestStop()
        join()
    }
}

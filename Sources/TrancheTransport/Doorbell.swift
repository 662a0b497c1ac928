#if canImport(Glibc)
internal import Glibc
#endif

/// Wakes a thread blocked in `ZMQPoller.poll` from any other thread: a non-blocking pipe
/// whose read end the poll watches beside its sockets. A store's completion rings it, so
/// a node's loop sends what became durable at once instead of at its next timeout.
public final class Doorbell: Sendable {
    let readFD: Int32
    let writeFD: Int32

    public init() throws(ZMQError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ZMQError(errno: errno, operation: "pipe") }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Safe from any thread; a full pipe already means "ring".
    public func ring() {
        var b: UInt8 = 1
        _ = write(writeFD, &b, 1)
    }

    /// Empties the pipe (on the polling thread, after a wake).
    public func drain() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while buffer.withUnsafeMutableBytes({ read(readFD, $0.baseAddress, 256) }) > 0 {}
    }
}

internal import CZMQ

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A failed libzmq call: what was attempted, libzmq's errno and its `zmq_strerror`
/// text. `kind` names the cases a caller handles differently.
public struct ZMQError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The errors a socket loop reacts to, apart from the rest.
    public enum Kind: Sendable, Equatable {
        /// EAGAIN: nothing to receive / cannot send now (non-blocking call, a
        /// send/receive timeout elapsed, or a high-water mark was reached).
        case wouldBlock
        /// ETERM: the context is shutting down; close the socket and leave the loop.
        case terminated
        /// EINTR: a signal interrupted a blocking call.
        case interrupted
        /// EHOSTUNREACH: a ROUTER with router-mandatory has no peer of that identity.
        case hostUnreachable
        /// Anything else: a bad endpoint, a wrong option, a socket in the wrong state.
        case other
    }

    public var kind: Kind
    /// libzmq's errno value.
    public var errno: Int32
    /// The call that failed, e.g. "zmq_bind(tcp://127.0.0.1:*)".
    public var operation: String
    /// `zmq_strerror(errno)`.
    public var message: String

    public init(errno: Int32, operation: String) {
        self.errno = errno
        self.operation = operation
        self.message = String(cString: zmq_strerror(errno))
        switch errno {
        case EAGAIN: kind = .wouldBlock
        case ETERM: kind = .terminated
        case EINTR: kind = .interrupted
        case EHOSTUNREACH: kind = .hostUnreachable
        default: kind = .other
        }
    }

    /// The error of the libzmq call that just failed on this thread.
    static func last(_ operation: @autoclosure () -> String) -> ZMQError {
        ZMQError(errno: zmq_errno(), operation: operation())
    }

    public var description: String { "\(operation) failed: \(message) (errno \(errno))" }
}

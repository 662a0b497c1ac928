import Foundation
import TrancheCore
import TrancheTransport
import TrancheWire

/// A client of the cluster (the `tranche` CLI, the load generator): one DEALER to the
/// coordinator's client ROUTER, request and reply with a timeout. Not thread-safe: one
/// client per thread.
public final class ClusterClient {
    public enum Failure: Error, CustomStringConvertible {
        case timeout(String, Duration)
        case transport(String)
        case unexpectedReply(String)

        public var description: String {
            switch self {
            case .timeout(let endpoint, let d):
                // Milliseconds at most: a timeout of 5 s reads "5 s", not "4.999999922s".
                let ms = (d.seconds * 1000).rounded()
                let text = ms.truncatingRemainder(dividingBy: 1000) == 0 ? "\(Int(ms / 1000)) s" : "\(ms / 1000) s"
                return "no answer from the coordinator at \(endpoint) within \(text) (is the cluster up? scripts/cluster-up.sh)"
            case .transport(let s): return s
            case .unexpectedReply(let s): return "unexpected reply: \(s)"
            }
        }
    }

    let context: ZMQContext
    let socket: ZMQSocket
    public let endpoint: String
    public let node: NodeID
    var correlation: UInt64 = 0
    /// Attempts sent again (lost answer or a retried code) by `command`.
    public private(set) var retries = 0

    public init(endpoint: String, name: String = "cli-\(ProcessInfo.processInfo.processIdentifier)") throws {
        self.endpoint = endpoint
        node = .client(name)
        context = try ZMQContext()
        socket = try ZMQSocket(context, .dealer)
        try socket.setRoutingID(Array(node.description.utf8))
        try socket.connect(endpoint)
    }

    deinit {
        socket.close()
        context.shutdown()
    }

    /// Sends a command and waits for its reply. `requestID` (non-zero) makes a client
    /// command idempotent: the cluster applies it at most once, whatever the retries.
    public func request(_ body: MessageBody, timeout: Duration = .seconds(5), requestID: UInt64 = 0) throws -> MessageBody {
        correlation += 1
        let c = correlation
        let envelope = Envelope(correlationID: c, sender: node.description, sentAt: WallClock.now(), body: body, requestID: requestID)
        do { try socket.send([WireCodec.encode(envelope)]) } catch { throw Failure.transport("sending to \(endpoint): \(error)") }
        let deadline = WallClock.now() + timeout
        while true {
            let left = (deadline - WallClock.now()).nanoseconds / 1_000_000
            guard left > 0 else { throw Failure.timeout(endpoint, timeout) }
            let frames: [[UInt8]]?
            do { frames = try socket.receive(timeoutMilliseconds: Int(left)) } catch { throw Failure.transport("receiving from \(endpoint): \(error)") }
            guard let frames, let payload = frames.last else { continue }
            guard let reply = try? WireCodec.decode(payload) else { continue }
            if reply.correlationID == c { return reply.body }
        }
    }

    /// Error codes a command is retried on (with the same request id, so it is applied at
    /// most once): no owner or no mark yet, a shard moving, an overloaded or slow peer.
    public static let retriedCodes: Set<ErrorCode> = [.unavailable, .notOwner, .busy, .timeout]

    /// A command whose answer is a `CommandReply`; throws its error code as `CommandFailure`.
    /// Carries a fresh request id (or `requestID`); a lost answer (no reply within
    /// `attemptTimeout`) and the codes in `retriedCodes` are retried with a short backoff
    /// until `timeout`, under the same id: the owner answers a retry of an applied command
    /// with its outcome instead of applying it again.
    public func command(_ body: MessageBody, timeout: Duration = .seconds(5), attemptTimeout: Duration = .seconds(1),
                        requestID: UInt64? = nil) throws -> Message.CommandReply {
        let id = requestID ?? UInt64.random(in: 1...UInt64.max)
        let deadline = WallClock.now() + timeout
        var backoff = 0.05
        while true {
            let left = deadline - WallClock.now()
            let attempt = min(left > .zero ? left : .milliseconds(1), attemptTimeout)
            let reply: MessageBody
            do { reply = try request(body, timeout: attempt, requestID: id) } catch Failure.timeout {
                if WallClock.now() < deadline { retries += 1; continue }
                throw Failure.timeout(endpoint, timeout)
            }
            switch reply {
            case .commandReply(let r):
                if Self.retriedCodes.contains(r.errorCode), WallClock.now() + .milliseconds(Int64(backoff * 1000)) < deadline {
                    retries += 1
                    Thread.sleep(forTimeInterval: backoff)
                    backoff = min(backoff * 2, 0.5)
                    continue
                }
                guard r.errorCode == .ok else { throw CommandFailure(reply: r) }
                return r
            case let other: throw Failure.unexpectedReply("\(other.kind)")
            }
        }
    }
}

/// A command the cluster refused, with its stable code and numbers.
public struct CommandFailure: Error, CustomStringConvertible {
    public var reply: Message.CommandReply
    public var description: String {
        var s = "\(reply.errorCode): \(reply.errorMessage)"
        if reply.required.isPositive || reply.available.isPositive { s += " (required \(reply.required), available \(reply.available))" }
        return s
    }
}

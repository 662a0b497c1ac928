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

    /// Sends a command and waits for its reply.
    public func request(_ body: MessageBody, timeout: Duration = .seconds(5)) throws -> MessageBody {
        correlation += 1
        let c = correlation
        let envelope = Envelope(correlationID: c, sender: node.description, sentAt: WallClock.now(), body: body)
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

    /// A command whose answer is a `CommandReply`; throws its error code as `CommandFailure`.
    /// UNAVAILABLE (no owner for the shard yet, no mark yet: a cluster still starting or
    /// moving shards) is retried with a short backoff until `timeout`.
    public func command(_ body: MessageBody, timeout: Duration = .seconds(5)) throws -> Message.CommandReply {
        let deadline = WallClock.now() + timeout
        var backoff = 0.05
        while true {
            let left = deadline - WallClock.now()
            switch try request(body, timeout: left > .zero ? left : .milliseconds(1)) {
            case .commandReply(let r):
                if r.errorCode == .unavailable, WallClock.now() + .milliseconds(Int64(backoff * 1000)) < deadline {
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

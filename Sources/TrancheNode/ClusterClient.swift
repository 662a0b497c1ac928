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
        /// The coordinator's handshake failed: our key was refused, or security differs.
        case handshake(String, HandshakeMonitor.Failure, String)

        public var description: String {
            switch self {
            case .timeout(let endpoint, let d):
                // Milliseconds at most: a timeout of 5 s reads "5 s", not "4.999999922s".
                let ms = (d.seconds * 1000).rounded()
                let text = ms.truncatingRemainder(dividingBy: 1000) == 0 ? "\(Int(ms / 1000)) s" : "\(ms / 1000) s"
                return "no answer from the coordinator at \(endpoint) within \(text) (is the cluster up? scripts/cluster-up.sh)"
            case .transport(let s): return s
            case .handshake(let endpoint, .authentication, let who):
                return "UNAUTHENTICATED: the cluster at \(endpoint) refused the key of \(who) (not granted, or revoked: the operator runs `tranche keys grant`)"
            case .handshake(let endpoint, .protocolMismatch, let who):
                return "no secure connection to \(endpoint) as \(who): the handshake failed (a cluster started with --insecure needs --insecure here, and the other way round; or the key directory has another cluster's coordinator.pub)"
            case .unexpectedReply(let s): return "unexpected reply: \(s)"
            }
        }
    }

    let context: ZMQContext
    let socket: ZMQSocket
    let monitor: HandshakeMonitor
    public let endpoint: String
    public let node: NodeID
    var correlation: UInt64 = 0
    /// Attempts sent again (lost answer or a retried code) by `command`.
    public private(set) var retries = 0

    /// A client of the coordinator at `endpoint`. With `security` (a key pair and the key
    /// directory holding `coordinator.pub`), it connects over CURVE as the key's identity,
    /// naming its connection "client:NAME/SUFFIX" (`name` is then the suffix); without, in
    /// the clear as "client:NAME" (an `--insecure` cluster).
    public init(endpoint: String, name: String = "cli-\(ProcessInfo.processInfo.processIdentifier)", security: ClientKeys? = nil) throws {
        self.endpoint = endpoint
        context = try ZMQContext()
        socket = try ZMQSocket(context, .dealer)
        monitor = try HandshakeMonitor(socket, context: context)
        if let security {
            // Random: another client of the same key cannot guess it (no reply goes astray).
            node = .client("\(security.name)/\(name).\(String(UInt64.random(in: 1...UInt64.max), radix: 36))")
            try NodeSecurity(clientKeys: security.keys, directory: security.directory).configureClient(socket, server: .coordinator)
        } else {
            node = .client(name)
        }
        try socket.setRoutingID(Array(node.description.utf8))
        try socket.connect(endpoint)
    }

    deinit {
        socket.close()
        monitor.close()
        context.shutdown()
    }

    /// Sends a command and waits for its reply. `requestID` (non-zero) makes a client
    /// command idempotent: the cluster applies it at most once, whatever the retries.
    public func request(_ body: MessageBody, timeout: Duration = .seconds(5), requestID: UInt64 = 0) throws -> MessageBody {
        correlation += 1
        let c = correlation
        let envelope = Envelope(correlationID: c, sender: node.description, sentAt: WallClock.now(), body: body, requestID: requestID)
        let deadline = WallClock.now() + timeout
        // Never blocks past the deadline: with no connection (a refused handshake), a
        // DEALER's send would wait for ever.
        do {
            try socket.setSendTimeout(milliseconds: max(1, Int(timeout.nanoseconds / 1_000_000)))
            try socket.send([WireCodec.encode(envelope)])
        } catch let e as ZMQError where e.kind == .wouldBlock {
            throw noAnswer(timeout)
        } catch { throw Failure.transport("sending to \(endpoint): \(error)") }
        while true {
            let left = (deadline - WallClock.now()).nanoseconds / 1_000_000
            guard left > 0 else { throw noAnswer(timeout) }
            let frames: [[UInt8]]?
            do { frames = try socket.receive(timeoutMilliseconds: Int(left)) } catch { throw Failure.transport("receiving from \(endpoint): \(error)") }
            guard let frames, let payload = frames.last else { continue }
            guard let reply = try? WireCodec.decode(payload) else { continue }
            if reply.correlationID == c { return reply.body }
        }
    }

    /// Why nothing came: a refused handshake, or a timeout.
    func noAnswer(_ timeout: Duration) -> Failure {
        if let f = monitor.failure() { return .handshake(endpoint, f, Self.principal(node)) }
        return .timeout(endpoint, timeout)
    }

    static func principal(_ node: NodeID) -> String {
        guard case .client(let name) = node, let slash = name.firstIndex(of: "/") else { return node.description }
        return "client:\(name[..<slash])"
    }

    /// A request answered by a view (status, fund, breakers): the view, or the refusal as a
    /// `CommandFailure` (PERMISSION_DENIED without the operator's key, say).
    public func query(_ body: MessageBody, timeout: Duration = .seconds(5)) throws -> MessageBody {
        let reply = try request(body, timeout: timeout)
        if case .commandReply(let r) = reply, r.errorCode != .ok { throw CommandFailure(reply: r) }
        return reply
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
                throw noAnswer(timeout)
            } catch Failure.handshake(let e, let f, let who) {
                // The key is refused (or security differs): retrying changes nothing.
                if WallClock.now() < deadline, f != .authentication { retries += 1; continue }
                throw Failure.handshake(e, f, who)
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

/// A client's CurveZMQ identity: its key pair (from its key file), its name, and the key
/// directory holding the servers' public keys.
public struct ClientKeys: Sendable {
    public var name: String
    public var keys: CurveKeyPair
    public var directory: URL

    /// Reads a client's (or the operator's) secret key file.
    public init(file: URL, directory: URL) throws {
        let (identity, keys) = try KeyFiles.loadSecret(file)
        guard case .client(let name) = identity else { throw KeyFiles.Failure("\(file.path) is the key of \(identity), not of a client or the operator") }
        self.name = name
        self.keys = keys
        self.directory = directory
    }

    /// Subscribes `socket` (a SUB) to a server's broadcast over CURVE.
    public func configure(_ socket: ZMQSocket, server: NodeID) throws {
        try NodeSecurity(clientKeys: keys, directory: directory).configureClient(socket, server: server)
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

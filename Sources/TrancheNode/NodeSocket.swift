import TrancheCore
import TrancheTransport
import TrancheWire

/// A socket of a node's loop, with how its frames carry the sender and who the sender is.
public struct NodeSocket {
    public enum Framing {
        /// [identity, payload]: replies go back through the same socket by identity.
        case router
        /// [payload]: DEALER, PULL, SUB, PUSH, PUB.
        case plain
    }

    /// Who sends what this socket receives.
    public enum Peer {
        /// A connecting socket: the server it connected to (authenticated by its CURVE key).
        case server(NodeID)
        /// A bound socket: whoever its connection was authenticated as by the ZAP handler
        /// (the "User-Id"); with `secure` false (an `--insecure` cluster), what the peer says
        /// it is (its routing id, or the envelope's `sender`).
        case authenticated(secure: Bool)
    }

    public let name: String
    public let socket: ZMQSocket
    public let framing: Framing
    public let peer: Peer
    /// A subscription to a broadcast: messages that are not for this role are expected.
    public let broadcast: Bool

    public init(name: String, socket: ZMQSocket, framing: Framing, peer: Peer, broadcast: Bool = false) {
        self.name = name
        self.socket = socket
        self.framing = framing
        self.peer = peer
        self.broadcast = broadcast
    }

    /// What one read produced.
    enum Inbound {
        /// A well-formed message from an identified sender (`identity`: a ROUTER's peer).
        case message(Envelope, from: NodeID, identity: [UInt8]?)
        /// A message refused before any role saw it, with the typed reason (answered on a
        /// ROUTER, counted elsewhere).
        case refused(ErrorCode, String, correlation: UInt64, identity: [UInt8]?)
    }

    /// Reads one message without blocking; nil when none is waiting.
    func read() throws -> Inbound? {
        guard let received = try socket.tryReceiveAuthenticated() else { return nil }
        let frames = received.frames
        var identity: [UInt8]? = nil
        switch framing {
        case .router:
            // libzmq puts the routing id first; a DEALER peer sends exactly one frame.
            identity = frames[0]
            guard frames.count == 2 else {
                return .refused(.decodeError, "\(name): expected one frame (an envelope), got \(frames.count - 1)", correlation: 0, identity: identity)
            }
        case .plain:
            guard frames.count == 1 else { return .refused(.decodeError, "\(name): expected one frame, got \(frames.count)", correlation: 0, identity: nil) }
        }
        let envelope: Envelope
        do { envelope = try WireCodec.decode(frames[frames.count - 1]) } catch {
            return .refused(error.errorCode, "\(name): \(error)", correlation: 0, identity: identity)
        }
        switch peer {
        case .server(let node):
            return .message(envelope, from: node, identity: identity)
        case .authenticated(secure: true):
            guard let user = received.userID, let node = NodeID(user) else {
                return .refused(.unauthenticated, "\(name): the connection is not authenticated", correlation: envelope.correlationID, identity: identity)
            }
            guard let identity else { return .message(envelope, from: node, identity: nil) }
            guard let sender = Self.sender(routingID: identity, authenticated: node) else {
                return .refused(.unauthenticated, "\(name): routing id '\(String(decoding: identity, as: UTF8.self))' is not \(node)'s", correlation: envelope.correlationID, identity: identity)
            }
            return .message(envelope, from: sender, identity: identity)
        case .authenticated(secure: false):
            if let identity { return .message(envelope, from: NodeID(String(decoding: identity, as: UTF8.self)) ?? .client("anonymous/~" + Self.hex(identity)), identity: identity) }
            return .message(envelope, from: NodeID(envelope.sender) ?? .client(envelope.sender), identity: nil)
        }
    }

    /// Who a ROUTER's message is from, by its routing id and its authenticated identity:
    /// a member's routing id must be its identity ("worker:w1"); a client's may be its
    /// identity, "client:NAME/ANYTHING", or any other bytes (a client that set none), which
    /// are kept in hex ("client:NAME/~6a01…") to address the reply. Nil: a member whose
    /// routing id is not its own.
    static func sender(routingID: [UInt8], authenticated node: NodeID) -> NodeID? {
        let text = String(decoding: routingID, as: UTF8.self)
        guard case .client(let name) = node else { return text == node.description && Array(text.utf8) == routingID ? node : nil }
        if Array(text.utf8) == routingID, text == node.description || text.hasPrefix(node.description + "/"), !text.contains("/~") {
            return NodeID(text)
        }
        return .client("\(name)/~" + hex(routingID))
    }

    /// The routing id a reply to `node` goes to (the inverse of `sender(routingID:…)`).
    static func routingID(of node: NodeID) -> [UInt8] {
        if case .client(let name) = node, let r = name.range(of: "/~"), let bytes = unhex(name[r.upperBound...]) { return bytes }
        return Array(node.description.utf8)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func unhex(_ text: Substring) -> [UInt8]? {
        let u = Array(text.utf8)
        guard u.count % 2 == 0, !u.isEmpty else { return nil }
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            default: return nil
            }
        }
        var out: [UInt8] = []
        for i in stride(from: 0, to: u.count, by: 2) {
            guard let h = v(u[i]), let l = v(u[i + 1]) else { return nil }
            out.append(h << 4 | l)
        }
        return out
    }

    /// Queues a message without blocking; false when the peer's queue is full (or, for a
    /// socket that needs one, no peer is there).
    func write(_ envelope: Envelope, identity: [UInt8]? = nil) throws -> Bool {
        let bytes = WireCodec.encode(envelope)
        if let id = identity { return try socket.trySend([id, bytes]) }
        return try socket.trySend([bytes])
    }
}

import TrancheCore
import TrancheTransport
import TrancheWire

/// A socket of a node's loop, with how its frames carry the sender.
public struct NodeSocket {
    public enum Framing {
        /// [identity, payload]: replies go back through the same socket by identity.
        case router
        /// [payload]: DEALER, PULL, SUB, PUSH, PUB.
        case plain
    }
    public let name: String
    public let socket: ZMQSocket
    public let framing: Framing
    /// A subscription to a broadcast: messages that are not for this role are expected.
    public let broadcast: Bool

    public init(name: String, socket: ZMQSocket, framing: Framing, broadcast: Bool = false) {
        self.name = name
        self.socket = socket
        self.framing = framing
        self.broadcast = broadcast
    }

    /// Reads one message without blocking: the envelope and, for a ROUTER, the identity.
    func read() throws -> (Envelope?, [UInt8]?, String?)? {
        guard let frames = try socket.tryReceive() else { return nil }
        let payload: [UInt8]
        var identity: [UInt8]? = nil
        switch framing {
        case .router:
            guard frames.count >= 2 else { return (nil, nil, "\(name): message without identity frame") }
            identity = frames[0]
            payload = frames[frames.count - 1]
        case .plain:
            guard let last = frames.last else { return (nil, nil, "\(name): empty message") }
            payload = last
        }
        do {
            return (try WireCodec.decode(payload), identity, nil)
        } catch {
            return (nil, identity, "\(name): undecodable message dropped: \(error)")
        }
    }

    /// Queues a message without blocking; false when the peer's queue is full (or, for a
    /// socket that needs one, no peer is there).
    func write(_ envelope: Envelope, identity: [UInt8]? = nil) throws -> Bool {
        let bytes = WireCodec.encode(envelope)
        if let id = identity { return try socket.trySend([id, bytes]) }
        return try socket.trySend([bytes])
    }
}

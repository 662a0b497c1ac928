internal import CZMQ

/// One libzmq socket. NOT thread-safe: create, use and release it on one thread (a
/// `SocketThread`), which is why it is not `Sendable`. It keeps its context alive
/// and closes itself when released.
///
/// Messages are multipart: `[[UInt8]]`, one byte array per frame. Blocking calls
/// never belong in a Swift concurrency task (they would stall the cooperative pool);
/// use them from a `SocketThread`.
public final class ZMQSocket {
    public let type: ZMQSocketType
    let context: ZMQContext
    private(set) var handle: UnsafeMutableRawPointer?

    public init(_ context: ZMQContext, _ type: ZMQSocketType) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, type.raw) else { throw .last("zmq_socket(\(type))") }
        self.context = context
        self.type = type
        self.handle = handle
    }

    deinit { close() }

    /// Closes the socket now (releasing does it too). Idempotent.
    public func close() {
        guard let h = handle else { return }
        zmq_close(h)
        handle = nil
    }

    /// The live handle; a closed socket behaves like one whose context ended.
    func live(_ operation: @autoclosure () -> String) throws(ZMQError) -> UnsafeMutableRawPointer {
        guard let handle else { throw ZMQError(errno: ENOTSOCK, operation: operation()) }
        return handle
    }

    // MARK: Endpoints

    /// Binds and returns the endpoint actually bound: `tcp://127.0.0.1:*` picks a free
    /// ephemeral port and the result names it, e.g. `tcp://127.0.0.1:41234`.
    @discardableResult
    public func bind(_ endpoint: String) throws(ZMQError) -> String {
        let h = try live("zmq_bind(\(endpoint))")
        guard zmq_bind(h, endpoint) == 0 else { throw .last("zmq_bind(\(endpoint))") }
        return try lastEndpoint()
    }

    public func connect(_ endpoint: String) throws(ZMQError) {
        let h = try live("zmq_connect(\(endpoint))")
        guard zmq_connect(h, endpoint) == 0 else { throw .last("zmq_connect(\(endpoint))") }
    }

    public func disconnect(_ endpoint: String) throws(ZMQError) {
        let h = try live("zmq_disconnect(\(endpoint))")
        guard zmq_disconnect(h, endpoint) == 0 else { throw .last("zmq_disconnect(\(endpoint))") }
    }

    public func unbind(_ endpoint: String) throws(ZMQError) {
        let h = try live("zmq_unbind(\(endpoint))")
        guard zmq_unbind(h, endpoint) == 0 else { throw .last("zmq_unbind(\(endpoint))") }
    }

    /// The endpoint last bound (ZMQ_LAST_ENDPOINT).
    public func lastEndpoint() throws(ZMQError) -> String {
        let bytes = try bytesOption(ZMQ_LAST_ENDPOINT, "ZMQ_LAST_ENDPOINT", capacity: 1024)
        // The option value is a NUL-terminated string.
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    // MARK: Sending

    /// Sends one multipart message, blocking while the high-water mark is reached
    /// (up to the send timeout, then `.wouldBlock`). Retries on EINTR.
    public func send(_ parts: [[UInt8]]) throws(ZMQError) {
        _ = try send(parts, flags: 0)
    }

    /// Sends a single-frame message.
    public func send(_ frame: [UInt8]) throws(ZMQError) {
        try send([frame])
    }

    /// Sends without blocking; false when the message cannot be queued now (the
    /// high-water mark is reached or, on some patterns, no peer is connected).
    public func trySend(_ parts: [[UInt8]]) throws(ZMQError) -> Bool {
        try send(parts, flags: ZMQ_DONTWAIT)
    }

    private func send(_ parts: [[UInt8]], flags: Int32) throws(ZMQError) -> Bool {
        let h = try live("zmq_send")
        precondition(!parts.isEmpty, "a ZeroMQ message has at least one frame")
        for (i, part) in parts.enumerated() {
            let more = i < parts.count - 1 ? ZMQ_SNDMORE : 0
            // Once the first frame is queued, the rest are taken without blocking.
            let f = (i == 0 ? flags : 0) | more
            while true {
                // libzmq copies the frame; an empty frame may pass a nil address.
                let rc = part.withUnsafeBytes { zmq_send(h, $0.baseAddress, $0.count, f) }
                if rc >= 0 { break }
                let error = ZMQError.last("zmq_send")
                if error.kind == .interrupted { continue }
                if error.kind == .wouldBlock && i == 0 && flags & ZMQ_DONTWAIT != 0 { return false }
                throw error
            }
        }
        return true
    }

    // MARK: Receiving

    /// Receives one multipart message, blocking until one arrives (or the receive
    /// timeout elapses: `.wouldBlock`). Retries on EINTR.
    public func receive() throws(ZMQError) -> [[UInt8]] {
        // Without DONTWAIT, nil is never returned.
        try receive(flags: 0)!
    }

    /// Receives a message if one is waiting; nil when there is none (ZMQ_DONTWAIT).
    public func tryReceive() throws(ZMQError) -> [[UInt8]]? {
        try receive(flags: ZMQ_DONTWAIT)
    }

    /// Waits up to `timeoutMilliseconds` for a message; nil when none came. Lets a
    /// loop check a stop flag between waits.
    public func receive(timeoutMilliseconds: Int) throws(ZMQError) -> [[UInt8]]? {
        let ready = try ZMQPoller.poll([self], timeoutMilliseconds: timeoutMilliseconds)
        return ready.isEmpty ? nil : try tryReceive()
    }

    /// A received message with the identity its connection was authenticated as: the
    /// user id the ZAP handler gave it (nil on a connection no handler authenticated).
    public struct Received {
        public var frames: [[UInt8]]
        public var userID: String?
    }

    /// Receives a message if one is waiting, with its connection's ZAP user id.
    public func tryReceiveAuthenticated() throws(ZMQError) -> Received? {
        var userID: String?
        guard let frames = try receive(flags: ZMQ_DONTWAIT, userID: &userID) else { return nil }
        return Received(frames: frames, userID: userID)
    }

    private func receive(flags: Int32) throws(ZMQError) -> [[UInt8]]? {
        var ignored: String?
        return try receive(flags: flags, userID: &ignored)
    }

    private func receive(flags: Int32, userID: inout String?) throws(ZMQError) -> [[UInt8]]? {
        let h = try live("zmq_msg_recv")
        var parts: [[UInt8]] = []
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        var f = flags
        while true {
            if zmq_msg_recv(&message, h, f) < 0 {
                let error = ZMQError.last("zmq_msg_recv")
                if error.kind == .interrupted { continue }
                if error.kind == .wouldBlock && parts.isEmpty && flags & ZMQ_DONTWAIT != 0 { return nil }
                throw error
            }
            let size = zmq_msg_size(&message)
            // Every frame of a message comes from the same connection: the last one's
            // metadata is the message's (a ROUTER's identity frame may have none).
            if let p = zmq_msg_gets(&message, "User-Id") { userID = String(cString: p) }
            parts.append(size == 0 ? [] : Array(UnsafeRawBufferPointer(start: zmq_msg_data(&message), count: size)))
            if zmq_msg_more(&message) == 0 { return parts }
            // The other frames of a multipart message arrive together with the first.
            f = 0
        }
    }
}

@available(*, unavailable, message: "a ZMQSocket belongs to one thread")
extension ZMQSocket: Sendable {}

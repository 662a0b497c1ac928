internal import CZMQ

// Socket options. Times are in milliseconds, as libzmq takes them.

extension ZMQSocket {
    /// How long close waits to flush unsent messages: 0 drops them, -1 waits forever.
    public func setLinger(milliseconds: Int) throws(ZMQError) {
        try setOption(ZMQ_LINGER, "ZMQ_LINGER", Int32(clamping: milliseconds))
    }

    /// The identity a ROUTER peer sees for this socket (ZMQ_ROUTING_ID; 1–255 bytes).
    /// Set before connecting.
    public func setRoutingID(_ id: [UInt8]) throws(ZMQError) {
        try setOption(ZMQ_ROUTING_ID, "ZMQ_ROUTING_ID", bytes: id)
    }

    /// SUB: receive messages whose first frame starts with `prefix` (empty = all).
    public func subscribe(_ prefix: [UInt8] = []) throws(ZMQError) {
        try setOption(ZMQ_SUBSCRIBE, "ZMQ_SUBSCRIBE", bytes: prefix)
    }

    public func unsubscribe(_ prefix: [UInt8] = []) throws(ZMQError) {
        try setOption(ZMQ_UNSUBSCRIBE, "ZMQ_UNSUBSCRIBE", bytes: prefix)
    }

    /// Queue messages only to completed connections (ZMQ_IMMEDIATE): with none, a send
    /// blocks or fails instead of waiting in a pipe that may never connect.
    public func setImmediate(_ on: Bool) throws(ZMQError) {
        try setOption(ZMQ_IMMEDIATE, "ZMQ_IMMEDIATE", on ? 1 : 0)
    }

    /// Messages queued for sending per peer before the socket blocks or drops (0 = no limit).
    public func setSendHighWaterMark(_ messages: Int) throws(ZMQError) {
        try setOption(ZMQ_SNDHWM, "ZMQ_SNDHWM", Int32(clamping: messages))
    }

    /// Messages queued for receiving per peer (0 = no limit).
    public func setReceiveHighWaterMark(_ messages: Int) throws(ZMQError) {
        try setOption(ZMQ_RCVHWM, "ZMQ_RCVHWM", Int32(clamping: messages))
    }

    /// ROUTER: fail with `.hostUnreachable` instead of silently dropping a message to
    /// an unknown identity.
    public func setRouterMandatory(_ on: Bool) throws(ZMQError) {
        try setOption(ZMQ_ROUTER_MANDATORY, "ZMQ_ROUTER_MANDATORY", on ? 1 : 0)
    }

    /// ROUTER: a new connection with an identity already in use takes it over (a process
    /// restarted at once under the same name is heard, not ignored).
    public func setRouterHandover(_ on: Bool) throws(ZMQError) {
        try setOption(ZMQ_ROUTER_HANDOVER, "ZMQ_ROUTER_HANDOVER", on ? 1 : 0)
    }

    /// Inbound messages larger than this drop the connection (-1 = no limit).
    public func setMaxMessageSize(bytes: Int) throws(ZMQError) {
        try setOption(ZMQ_MAXMSGSIZE, "ZMQ_MAXMSGSIZE", int64: Int64(bytes))
    }

    /// How long a blocking receive waits before `.wouldBlock` (-1 = forever).
    public func setReceiveTimeout(milliseconds: Int) throws(ZMQError) {
        try setOption(ZMQ_RCVTIMEO, "ZMQ_RCVTIMEO", Int32(clamping: milliseconds))
    }

    /// How long a blocking send waits before `.wouldBlock` (-1 = forever).
    public func setSendTimeout(milliseconds: Int) throws(ZMQError) {
        try setOption(ZMQ_SNDTIMEO, "ZMQ_SNDTIMEO", Int32(clamping: milliseconds))
    }

    /// ZMTP heartbeats: ping every `interval`; the peer drops us after `ttl` without
    /// traffic (rounded to 100 ms by libzmq); we drop the connection after `timeout`
    /// without a pong. 0 disables each.
    public func setHeartbeat(intervalMilliseconds: Int, ttlMilliseconds: Int, timeoutMilliseconds: Int) throws(ZMQError) {
        try setOption(ZMQ_HEARTBEAT_IVL, "ZMQ_HEARTBEAT_IVL", Int32(clamping: intervalMilliseconds))
        try setOption(ZMQ_HEARTBEAT_TTL, "ZMQ_HEARTBEAT_TTL", Int32(clamping: ttlMilliseconds))
        try setOption(ZMQ_HEARTBEAT_TIMEOUT, "ZMQ_HEARTBEAT_TIMEOUT", Int32(clamping: timeoutMilliseconds))
    }

    /// Reads an integer option (e.g. `ZMQ_LINGER`, `ZMQ_SNDHWM`).
    func intOption(_ option: Int32, _ name: String) throws(ZMQError) -> Int32 {
        let h = try live("zmq_getsockopt(\(name))")
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        guard zmq_getsockopt(h, option, &value, &size) == 0 else { throw .last("zmq_getsockopt(\(name))") }
        return value
    }

    /// The current linger, in milliseconds.
    public func linger() throws(ZMQError) -> Int { Int(try intOption(ZMQ_LINGER, "ZMQ_LINGER")) }

    func bytesOption(_ option: Int32, _ name: String, capacity: Int) throws(ZMQError) -> [UInt8] {
        let h = try live("zmq_getsockopt(\(name))")
        var buffer = [UInt8](repeating: 0, count: capacity)
        var size = capacity
        let rc = buffer.withUnsafeMutableBytes { zmq_getsockopt(h, option, $0.baseAddress, &size) }
        guard rc == 0 else { throw .last("zmq_getsockopt(\(name))") }
        return Array(buffer.prefix(size))
    }

    func setOption(_ option: Int32, _ name: String, _ value: Int32) throws(ZMQError) {
        let h = try live("zmq_setsockopt(\(name))")
        var v = value
        guard zmq_setsockopt(h, option, &v, MemoryLayout<Int32>.size) == 0 else { throw .last("zmq_setsockopt(\(name), \(value))") }
    }

    private func setOption(_ option: Int32, _ name: String, int64 value: Int64) throws(ZMQError) {
        let h = try live("zmq_setsockopt(\(name))")
        var v = value
        guard zmq_setsockopt(h, option, &v, MemoryLayout<Int64>.size) == 0 else { throw .last("zmq_setsockopt(\(name), \(value))") }
    }

    func setOption(_ option: Int32, _ name: String, bytes: [UInt8]) throws(ZMQError) {
        let h = try live("zmq_setsockopt(\(name))")
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(h, option, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw .last("zmq_setsockopt(\(name))") }
    }
}

internal import CZMQ

/// Waits on several sockets at once (zmq_poll). Like every blocking call, only from
/// a `SocketThread`, never inside a Swift concurrency task.
public enum ZMQPoller {
    /// What to wait for on each socket.
    public struct Events: OptionSet, Sendable, Hashable {
        public let rawValue: Int16
        public init(rawValue: Int16) { self.rawValue = rawValue }
        /// A message can be received without blocking.
        public static let readable = Events(rawValue: Int16(ZMQ_POLLIN))
        /// A message can be sent without blocking.
        public static let writable = Events(rawValue: Int16(ZMQ_POLLOUT))
    }

    /// Waits until at least one socket is ready for `events`, or `timeoutMilliseconds`
    /// pass (-1 = forever, 0 = just look). Returns the indices of the ready sockets:
    /// empty on timeout, or when a signal interrupted the wait.
    public static func poll(
        _ sockets: [ZMQSocket], for events: Events = .readable, timeoutMilliseconds: Int
    ) throws(ZMQError) -> [Int] {
        var items: [zmq_pollitem_t] = []
        items.reserveCapacity(sockets.count)
        for socket in sockets {
            items.append(zmq_pollitem_t(socket: try socket.live("zmq_poll"), fd: 0, events: events.rawValue, revents: 0))
        }
        let rc = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, Int32($0.count), timeoutMilliseconds) }
        if rc < 0 {
            let error = ZMQError.last("zmq_poll")
            if error.kind == .interrupted { return [] }
            throw error
        }
        guard rc > 0 else { return [] }
        return items.indices.filter { items[$0].revents & events.rawValue != 0 }
    }

    /// Waits until a socket is readable, the doorbell rings, or the timeout passes. Returns
    /// the readable sockets' indices and whether the doorbell rang (drained).
    public static func poll(_ sockets: [ZMQSocket], doorbell: Doorbell, timeoutMilliseconds: Int) throws(ZMQError) -> (ready: [Int], rang: Bool) {
        var items: [zmq_pollitem_t] = []
        items.reserveCapacity(sockets.count + 1)
        for socket in sockets {
            items.append(zmq_pollitem_t(socket: try socket.live("zmq_poll"), fd: 0, events: Int16(ZMQ_POLLIN), revents: 0))
        }
        items.append(zmq_pollitem_t(socket: nil, fd: doorbell.readFD, events: Int16(ZMQ_POLLIN), revents: 0))
        let rc = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, Int32($0.count), timeoutMilliseconds) }
        if rc < 0 {
            let error = ZMQError.last("zmq_poll")
            if error.kind == .interrupted { return ([], false) }
            throw error
        }
        guard rc > 0 else { return ([], false) }
        let rang = items[sockets.count].revents & Int16(ZMQ_POLLIN) != 0
        if rang { doorbell.drain() }
        return (sockets.indices.filter { items[$0].revents & Int16(ZMQ_POLLIN) != 0 }, rang)
    }
}

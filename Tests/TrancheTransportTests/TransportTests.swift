import Foundation
import Synchronization
import Testing
import TrancheTransport

/// Every test makes its own context, so inproc names never collide across the
/// parallel tests, and binds TCP only to ephemeral ports.
@Suite struct TransportTests {
    /// Waits (bounded) for a message; nil after `timeoutMilliseconds`.
    private func receive(_ socket: ZMQSocket, timeoutMilliseconds: Int = 5_000) throws -> [[UInt8]]? {
        try socket.receive(timeoutMilliseconds: timeoutMilliseconds)
    }

    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func pushPullOverInproc() throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context, .pull)
        #expect(try pull.bind("inproc://push-pull") == "inproc://push-pull")
        let push = try ZMQSocket(context, .push)
        try push.connect("inproc://push-pull")
        for i in 0..<100 { try push.send(bytes("message \(i)")) }
        for i in 0..<100 { #expect(try receive(pull) == [bytes("message \(i)")]) }
    }

    @Test func dealerRouterOverInproc() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context, .router)
        try router.setRouterMandatory(true)
        try router.bind("inproc://router")
        let dealer = try ZMQSocket(context, .dealer)
        try dealer.setRoutingID(bytes("worker-1"))
        try dealer.connect("inproc://router")

        try dealer.send([bytes("ping"), [1, 2, 3]])
        let request = try #require(try receive(router))
        #expect(request == [bytes("worker-1"), bytes("ping"), [1, 2, 3]])

        try router.send([request[0], bytes("pong")])
        #expect(try receive(dealer) == [bytes("pong")])
    }

    @Test func routerMandatoryRejectsUnknownPeer() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context, .router)
        try router.setRouterMandatory(true)
        try router.bind("inproc://mandatory")
        #expect {
            try router.send([bytes("nobody"), bytes("hello")])
        } throws: { error in
            (error as? ZMQError)?.kind == .hostUnreachable
        }
    }

    @Test func multipartRoundTrip() throws {
        let context = try ZMQContext()
        let pair = try ZMQSocket(context, .pair)
        try pair.bind("inproc://pair")
        let other = try ZMQSocket(context, .pair)
        try other.connect("inproc://pair")

        let big = (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let message: [[UInt8]] = [[], bytes("header"), [], big, [0], bytes("ünïcødé ✓")]
        try other.send(message)
        #expect(try receive(pair) == message)
        // And back, twice, to see frames of consecutive messages do not mix.
        try pair.send([bytes("a"), bytes("b")])
        try pair.send([bytes("c")])
        #expect(try receive(other) == [bytes("a"), bytes("b")])
        #expect(try receive(other) == [bytes("c")])
    }

    @Test func tcpOnAnEphemeralPort() throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context, .pull)
        let endpoint = try pull.bind("tcp://127.0.0.1:*")
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        let port = try #require(Int(endpoint.split(separator: ":").last ?? ""))
        #expect(port > 0 && port < 65_536)
        #expect(try pull.lastEndpoint() == endpoint)

        let push = try ZMQSocket(context, .push)
        try push.connect(endpoint)
        let payload = (0..<300).map { UInt8($0 % 256) }
        for _ in 0..<10 { try push.send([payload, bytes("tail")]) }
        for _ in 0..<10 { #expect(try receive(pull) == [payload, bytes("tail")]) }
    }

    @Test func pollTimeoutReturnsEmpty() throws {
        let context = try ZMQContext()
        let a = try ZMQSocket(context, .pull)
        try a.bind("inproc://quiet-a")
        let b = try ZMQSocket(context, .pull)
        try b.bind("inproc://quiet-b")
        let start = ContinuousClock.now
        #expect(try ZMQPoller.poll([a, b], timeoutMilliseconds: 50) == [])
        #expect(ContinuousClock.now - start >= .milliseconds(40))
        #expect(try ZMQPoller.poll([a, b], timeoutMilliseconds: 0) == [])
        #expect(try a.receive(timeoutMilliseconds: 20) == nil)
    }

    @Test func pollReportsTheReadySocket() throws {
        let context = try ZMQContext()
        let a = try ZMQSocket(context, .pull)
        try a.bind("inproc://ready-a")
        let b = try ZMQSocket(context, .pull)
        try b.bind("inproc://ready-b")
        let push = try ZMQSocket(context, .push)
        try push.connect("inproc://ready-b")
        try push.send(bytes("x"))
        #expect(try ZMQPoller.poll([a, b], timeoutMilliseconds: 5_000) == [1])
        #expect(try ZMQPoller.poll([push], for: .writable, timeoutMilliseconds: 0) == [0])
    }

    @Test func nonBlockingReceiveReturnsNil() throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context, .pull)
        try pull.bind("inproc://empty")
        #expect(try pull.tryReceive() == nil)

        let push = try ZMQSocket(context, .push)
        try push.connect("inproc://empty")
        try push.send(bytes("now"))
        #expect(try receive(pull) == [bytes("now")])
        #expect(try pull.tryReceive() == nil)
    }

    @Test func nonBlockingSendWithoutPeerReturnsFalse() throws {
        let context = try ZMQContext()
        let push = try ZMQSocket(context, .push)
        try push.bind("inproc://nobody-listens")
        #expect(try push.trySend([bytes("lost?")]) == false)
    }

    @Test func receiveTimeoutIsWouldBlock() throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context, .pull)
        try pull.bind("inproc://timeout")
        try pull.setReceiveTimeout(milliseconds: 20)
        #expect {
            _ = try pull.receive()
        } throws: { error in
            (error as? ZMQError)?.kind == .wouldBlock
        }
    }

    @Test func publishSubscribeWithPrefix() throws {
        let context = try ZMQContext()
        let pub = try ZMQSocket(context, .pub)
        let endpoint = try pub.bind("tcp://127.0.0.1:*")
        let sub = try ZMQSocket(context, .sub)
        try sub.subscribe(bytes("mark."))
        try sub.connect(endpoint)
        // A subscription travels to the publisher asynchronously: publish until the
        // subscriber sees one (bounded).
        var received: [[UInt8]]?
        for _ in 0..<200 where received == nil {
            try pub.send([bytes("depth.BTC"), bytes("ignored")])
            try pub.send([bytes("mark.BTC"), bytes("60000")])
            received = try receive(sub, timeoutMilliseconds: 10)
        }
        #expect(received == [bytes("mark.BTC"), bytes("60000")])
    }

    @Test func requestReply() throws {
        let context = try ZMQContext()
        let rep = try ZMQSocket(context, .rep)
        try rep.bind("inproc://rr")
        let req = try ZMQSocket(context, .req)
        try req.connect("inproc://rr")
        try req.send(bytes("question"))
        #expect(try receive(rep) == [bytes("question")])
        try rep.send(bytes("answer"))
        #expect(try receive(req) == [bytes("answer")])
    }

    @Test func optionsAreAccepted() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context, .dealer)
        #expect(try socket.linger() == 0)  // the context's default
        try socket.setLinger(milliseconds: 250)
        #expect(try socket.linger() == 250)
        try socket.setSendHighWaterMark(10_000)
        try socket.setReceiveHighWaterMark(10_000)
        try socket.setSendTimeout(milliseconds: 100)
        try socket.setHeartbeat(intervalMilliseconds: 1_000, ttlMilliseconds: 3_000, timeoutMilliseconds: 3_000)
    }

    @Test func errorsAreTyped() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context, .push)
        #expect {
            try socket.connect("nonsense://here")
        } throws: { error in
            guard let error = error as? ZMQError else { return false }
            return error.kind == .other && error.errno != 0 && !error.message.isEmpty
                && error.description.contains("nonsense://here")
        }
        socket.close()
        #expect(throws: ZMQError.self) { try socket.send([[1]]) }
        socket.close()  // idempotent
    }

    @Test func socketThreadEchoesAndStops() throws {
        let context = try ZMQContext()
        let client = try ZMQSocket(context, .dealer)
        let endpoint = "inproc://echo"
        let bound = Mutex(false)
        let echo = SocketThread.start(name: "echo") { thread in
            do {
                let server = try ZMQSocket(context, .router)
                try server.bind(endpoint)
                bound.withLock { $0 = true }
                while !thread.isStopRequested {
                    if let message = try server.receive(timeoutMilliseconds: 10) { try server.send(message) }
                }
            } catch {
                Issue.record("echo thread: \(error)")
            }
        }
        // inproc needs the bind first (libzmq 4.3 allows either order, but keep it simple).
        while !bound.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.001) }
        try client.connect(endpoint)
        for i in 0..<50 {
            try client.send([bytes("echo \(i)")])
            #expect(try receive(client) == [bytes("echo \(i)")])
        }
        echo.stop()
        #expect(echo.isFinished)
        #expect(echo.join(timeoutSeconds: 0))
    }

    @Test func contextShutdownWakesABlockedThread() throws {
        let context = try ZMQContext()
        let outcome = Mutex<ZMQError.Kind?>(nil)
        let blocked = SocketThread.start(name: "blocked") { _ in
            do throws(ZMQError) {
                let socket = try ZMQSocket(context, .pull)
                try socket.bind("inproc://never")
                _ = try socket.receive()  // blocks: nothing will ever come
            } catch {
                outcome.withLock { $0 = error.kind }
            }
        }
        #expect(!blocked.join(timeoutSeconds: 0.05))
        context.shutdown()
        #expect(blocked.join(timeoutSeconds: 5))
        #expect(outcome.withLock { $0 } == .terminated)
    }
}

import Foundation
import Synchronization

/// A connection libzmq asks about (ZAP, RFC 27): who is connecting to which socket.
public struct ZAPRequest: Sendable, Equatable {
    /// The ZAP domain of the socket connected to (set by its owner: one per socket).
    public var domain: String
    /// The peer's IP address.
    public var address: String
    /// "NULL", "PLAIN" or "CURVE".
    public var mechanism: String
    /// CURVE: the client's public key in Z85 (nil for other mechanisms).
    public var clientKey: String?
}

/// The handler's answer: a user id (attached to every message of the connection as the
/// "User-Id" property) or a refusal with its reason.
public enum ZAPDecision: Sendable, Equatable {
    case allow(userID: String)
    case deny(reason: String)
}

/// The ZAP handler of a process: a REP socket on `inproc://zeromq.zap.01` of the
/// process's context, on a thread of its own, answering every handshake libzmq
/// performs on the context's CURVE (or ZAP-domain) sockets with `decide`.
///
/// Start it before any socket binds: libzmq lets a handshake through when no handler
/// is bound. `start` returns once the handler is bound.
public final class ZAPHandler: Sendable {
    public static let endpoint = "inproc://zeromq.zap.01"
    let thread: SocketThread
    private let counts = Mutex<(allowed: Int, denied: Int)>((0, 0))

    /// Connections allowed and denied so far.
    public var allowed: Int { counts.withLock { $0.allowed } }
    public var denied: Int { counts.withLock { $0.denied } }

    private init(thread: SocketThread) { self.thread = thread }

    public static func start(context: ZMQContext, onDenied: @escaping @Sendable (ZAPRequest, String) -> Void = { _, _ in },
                             decide: @escaping @Sendable (ZAPRequest) -> ZAPDecision) throws -> ZAPHandler {
        let bound = DispatchSemaphore(value: 0)
        let failure = Mutex<Error?>(nil)
        let box = Mutex<ZAPHandler?>(nil)
        let thread = SocketThread.start(name: "tranche-zap") { thread in
            let socket: ZMQSocket
            do {
                socket = try ZMQSocket(context, .rep)
                try socket.bind(endpoint)
            } catch {
                failure.withLock { $0 = error }
                bound.signal()
                return
            }
            bound.signal()
            while !thread.isStopRequested {
                let frames: [[UInt8]]?
                do { frames = try socket.receive(timeoutMilliseconds: 100) } catch { break }
                guard let frames else { continue }
                let reply = answer(frames, decide: decide) { request, decision in
                    guard let h = box.withLock({ $0 }) else { return }
                    switch decision {
                    case .allow: h.counts.withLock { $0.allowed += 1 }
                    case .deny(let reason):
                        h.counts.withLock { $0.denied += 1 }
                        onDenied(request, reason)
                    }
                }
                do { try socket.send(reply) } catch { break }
            }
            socket.close()
        }
        bound.wait()
        if let e = failure.withLock({ $0 }) { throw e }
        let handler = ZAPHandler(thread: thread)
        box.withLock { $0 = handler }
        return handler
    }

    /// Stops the handler's thread (before the context terminates).
    public func stop() { thread.stop() }

    /// The reply frames to a ZAP request: version, request id, status code and text,
    /// user id, metadata (none).
    static func answer(_ frames: [[UInt8]], decide: (ZAPRequest) -> ZAPDecision, observe: (ZAPRequest, ZAPDecision) -> Void) -> [[UInt8]] {
        let version = Array("1.0".utf8)
        func reply(_ id: [UInt8], _ code: String, _ text: String, _ user: String) -> [[UInt8]] {
            [version, id, Array(code.utf8), Array(text.utf8), Array(user.utf8), []]
        }
        // version, request id, domain, address, routing id, mechanism, credentials…
        guard frames.count >= 6, frames[0] == version else {
            return reply(frames.count > 1 ? frames[1] : [], "500", "malformed ZAP request", "")
        }
        let mechanism = String(decoding: frames[5], as: UTF8.self)
        var key: String? = nil
        if mechanism == "CURVE" {
            guard frames.count >= 7, let k = CurveKeyPair.z85(frames[6]) else { return reply(frames[1], "400", "malformed CURVE credentials", "") }
            key = k
        }
        let request = ZAPRequest(domain: String(decoding: frames[2], as: UTF8.self), address: String(decoding: frames[3], as: UTF8.self),
                                 mechanism: mechanism, clientKey: key)
        let decision = decide(request)
        observe(request, decision)
        switch decision {
        case .allow(let user): return reply(frames[1], "200", "OK", user)
        case .deny(let reason): return reply(frames[1], "400", reason, "")
        }
    }
}

internal import CZMQ
import Foundation

/// A CurveZMQ key pair in Z85 text (40 characters each), as libzmq takes them.
///
/// The secret key never leaves its key file (mode 0600) and this process; the public key
/// is what peers are told about.
public struct CurveKeyPair: Sendable, Equatable {
    public var publicKey: String
    public var secretKey: String

    public init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A fresh key pair from libzmq's CSPRNG (libsodium or tweetnacl).
    public static func generate() throws(ZMQError) -> CurveKeyPair {
        var pub = [CChar](repeating: 0, count: 41)
        var sec = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&pub, &sec) == 0 else { throw .last("zmq_curve_keypair") }
        return CurveKeyPair(publicKey: String(cString: pub), secretKey: String(cString: sec))
    }

    /// The public key of a secret key (nil when `secretKey` is not a Z85 Curve key).
    public static func publicKey(ofSecret secretKey: String) -> String? {
        guard isKey(secretKey) else { return nil }
        var pub = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&pub, secretKey) == 0 else { return nil }
        return String(cString: pub)
    }

    /// Whether `text` is a Z85-encoded 32-byte key (40 characters of the Z85 alphabet).
    public static func isKey(_ text: String) -> Bool {
        let alphabet = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#")
        return text.count == 40 && text.allSatisfy { alphabet.contains($0) }
    }

    /// Z85 text of 32 raw key bytes (a ZAP request carries the client's key raw).
    public static func z85(_ raw: [UInt8]) -> String? {
        guard raw.count == 32 else { return nil }
        var out = [CChar](repeating: 0, count: 41)
        guard raw.withUnsafeBufferPointer({ zmq_z85_encode(&out, $0.baseAddress, 32) }) != nil else { return nil }
        return String(cString: out)
    }
}

extension ZMQSocket {
    /// Makes this (binding) socket a CURVE server: peers must know its public key, and
    /// each connection is authenticated by the ZAP handler under `zapDomain`. Set before
    /// binding.
    public func makeCurveServer(secretKey: String, zapDomain: String) throws(ZMQError) {
        try setOption(ZMQ_CURVE_SERVER, "ZMQ_CURVE_SERVER", 1)
        try setKeyOption(ZMQ_CURVE_SECRETKEY, "ZMQ_CURVE_SECRETKEY", secretKey)
        try setOption(ZMQ_ZAP_DOMAIN, "ZMQ_ZAP_DOMAIN", bytes: Array(zapDomain.utf8))
    }

    /// Makes this (connecting) socket a CURVE client of the server with `serverKey`,
    /// authenticating as `keys`. Set before connecting.
    public func makeCurveClient(serverKey: String, keys: CurveKeyPair) throws(ZMQError) {
        try setKeyOption(ZMQ_CURVE_SERVERKEY, "ZMQ_CURVE_SERVERKEY", serverKey)
        try setKeyOption(ZMQ_CURVE_PUBLICKEY, "ZMQ_CURVE_PUBLICKEY", keys.publicKey)
        try setKeyOption(ZMQ_CURVE_SECRETKEY, "ZMQ_CURVE_SECRETKEY", keys.secretKey)
    }

    /// A Z85 key: 40 characters and the terminating NUL (41 bytes), as libzmq documents.
    func setKeyOption(_ option: Int32, _ name: String, _ key: String) throws(ZMQError) {
        guard CurveKeyPair.isKey(key) else { throw ZMQError(errno: EINVAL, operation: "zmq_setsockopt(\(name)): not a Z85 Curve key") }
        try setOption(option, name, bytes: Array(key.utf8) + [0])
    }
}

/// Handshake failures seen on a socket (ZMQ socket monitor), so a client can say why it
/// hears nothing: its key was refused, or the peer speaks another security mechanism.
public final class HandshakeMonitor {
    public enum Failure: Sendable, Equatable {
        /// The server's ZAP handler refused our key.
        case authentication
        /// The handshake failed (one side uses CURVE and the other does not, a wrong server key).
        case protocolMismatch
    }
    let pair: ZMQSocket

    /// Watches `socket` (call before it connects).
    public init(_ socket: ZMQSocket, context: ZMQContext) throws(ZMQError) {
        let endpoint = "inproc://tranche-monitor-\(UInt64.random(in: 1...UInt64.max))"
        let h = try socket.live("zmq_socket_monitor")
        let events = ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
        guard zmq_socket_monitor(h, endpoint, Int32(events)) == 0 else { throw .last("zmq_socket_monitor") }
        pair = try ZMQSocket(context, .pair)
        try pair.connect(endpoint)
    }

    /// The most telling failure reported so far (nil: none).
    public func failure() -> Failure? {
        var seen: Failure?
        while let frames = try? pair.tryReceive(), let first = frames.first, first.count >= 2 {
            let event = Int32(first[0]) | Int32(first[1]) << 8
            if event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH { seen = .authentication } else if seen == nil { seen = .protocolMismatch }
        }
        return seen
    }

    public func close() { pair.close() }

    deinit { pair.close() }
}

import Foundation
import TrancheCore
import TrancheTransport

/// CurveZMQ key files (see docs/security.md).
///
/// A key directory holds, for each member of a cluster and for its operator, a secret
/// file `NAME.key` (mode 0600: identity, public and secret key) and a public file
/// `NAME.pub` (identity and public key). NAME is `coordinator`, `aggregator`, `venue`,
/// `worker-ID` or `operator`; a client's files are `client-NAME.key` / `.pub`, kept by the
/// client (the cluster knows a client's public key only once the operator grants it).
///
/// Format, one `field = "value"` per line, `#` comments:
///
///     # Tranche CurveZMQ key. SECRET: keep this file mode 0600.
///     identity = "worker:w1"
///     public-key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
///     secret-key = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"
public enum KeyFiles {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// The operator: a client with every right.
    public static let operatorNode = NodeID.client(Message.ClientGrant.operatorName)

    /// The file name (without extension) of a node's keys.
    public static func name(of node: NodeID) -> String {
        switch node {
        case .coordinator: return "coordinator"
        case .aggregator: return "aggregator"
        case .venue: return "venue"
        case .worker(let id): return "worker-\(id)"
        case .client(let c): return c == Message.ClientGrant.operatorName ? "operator" : "client-\(c)"
        }
    }

    public static func secretFile(_ node: NodeID, in directory: URL) -> URL { directory.appendingPathComponent(name(of: node) + ".key") }
    public static func publicFile(_ node: NodeID, in directory: URL) -> URL { directory.appendingPathComponent(name(of: node) + ".pub") }

    /// Writes a fresh key pair for each node that has no secret file yet (never
    /// overwriting one); returns the nodes it wrote keys for. The directory is made
    /// mode 0700, secret files 0600, public files 0644.
    @discardableResult
    public static func generate(_ nodes: [NodeID], in directory: URL) throws -> [NodeID] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var written: [NodeID] = []
        for node in nodes where !FileManager.default.fileExists(atPath: secretFile(node, in: directory).path) {
            let pair = try CurveKeyPair.generate()
            try write(node, pair, in: directory)
            written.append(node)
        }
        return written
    }

    static func write(_ node: NodeID, _ pair: CurveKeyPair, in directory: URL) throws {
        let secret = """
            # Tranche CurveZMQ key. SECRET: keep this file mode 0600, never share it.
            identity = "\(node)"
            public-key = "\(pair.publicKey)"
            secret-key = "\(pair.secretKey)"

            """
        let pub = """
            # Tranche CurveZMQ public key: give it to the cluster's operator or peers.
            identity = "\(node)"
            public-key = "\(pair.publicKey)"

            """
        let secretPath = secretFile(node, in: directory).path
        // Created with mode 0600 before anything is written into it.
        guard FileManager.default.createFile(atPath: secretPath, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw Failure("\(secretPath): cannot create the key file")
        }
        try Data(secret.utf8).write(to: URL(fileURLWithPath: secretPath))
        try Data(pub.utf8).write(to: publicFile(node, in: directory))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: publicFile(node, in: directory).path)
    }

    static func fields(_ url: URL) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw Failure("\(url.path): cannot read the key file") }
        var out: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") { continue }
            guard let eq = t.firstIndex(of: "=") else { throw Failure("\(url.path): '\(t)' is not a `field = \"value\"` line") }
            let key = t[..<eq].trimmingCharacters(in: .whitespaces)
            var value = t[t.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            out[key] = value
        }
        return out
    }

    /// A secret key file: its identity and key pair. Refused when others can read it.
    public static func loadSecret(_ url: URL) throws -> (identity: NodeID, keys: CurveKeyPair) {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        if let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw Failure("\(url.path): a secret key readable by others (mode \(String(mode, radix: 8))) is refused; chmod 600 \(url.path)")
        }
        let f = try fields(url)
        guard let idText = f["identity"], let identity = NodeID(idText) else { throw Failure("\(url.path): no valid identity line") }
        guard let secret = f["secret-key"], CurveKeyPair.isKey(secret), let pub = CurveKeyPair.publicKey(ofSecret: secret) else {
            throw Failure("\(url.path): no valid secret-key line (a Z85 key of 40 characters)")
        }
        if let stated = f["public-key"], stated != pub { throw Failure("\(url.path): its public-key does not belong to its secret-key") }
        return (identity, CurveKeyPair(publicKey: pub, secretKey: secret))
    }

    /// A public key file (or a secret one: its public half).
    public static func loadPublic(_ url: URL) throws -> (identity: NodeID, publicKey: String) {
        let f = try fields(url)
        guard let idText = f["identity"], let identity = NodeID(idText) else { throw Failure("\(url.path): no valid identity line") }
        guard let pub = f["public-key"], CurveKeyPair.isKey(pub) else { throw Failure("\(url.path): no valid public-key line (a Z85 key of 40 characters)") }
        return (identity, pub)
    }

    /// The members' and the operator's public keys in a directory (every `*.pub` but the
    /// clients'), by key.
    public static func members(in directory: URL) -> [String: NodeID] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [:] }
        var out: [String: NodeID] = [:]
        for n in names where n.hasSuffix(".pub") && !n.hasPrefix("client-") {
            guard let (identity, key) = try? loadPublic(directory.appendingPathComponent(n)) else { continue }
            // A file must be named after the identity it holds: a worker's file cannot
            // claim to be the coordinator.
            guard n == name(of: identity) + ".pub" else { continue }
            out[key] = identity
        }
        return out
    }
}

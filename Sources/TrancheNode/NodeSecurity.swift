import Foundation
import Synchronization
import TrancheCore
import TrancheTransport

/// The kinds of peer a bound socket lets connect (checked by the ZAP handler).
public enum PeerKind: String, Sendable, CaseIterable {
    case coordinator, aggregator, venue, worker, `operator`, client

    public static func of(_ node: NodeID) -> PeerKind {
        switch node {
        case .coordinator: return .coordinator
        case .aggregator: return .aggregator
        case .venue: return .venue
        case .worker: return .worker
        case .client(let name): return name == Message.ClientGrant.operatorName ? .operator : .client
        }
    }
}

/// Which public keys belong to whom, for the ZAP handler (read on its thread, updated
/// by the node's): the members and the operator from the key directory (read again,
/// at most once a second, when an unknown key knocks), and the clients the operator
/// granted (coordinator only).
public final class KeyRegistry: Sendable {
    struct State {
        var members: [String: NodeID] = [:]
        var clients: [String: NodeID] = [:]
        var domains: [String: Set<PeerKind>] = [:]
        var lastScan = Date.distantPast
    }
    let directory: URL
    private let state = Mutex(State())

    init(directory: URL) {
        self.directory = directory
        rescan()
    }

    func rescan() {
        let members = KeyFiles.members(in: directory)
        state.withLock {
            $0.members = members
            $0.lastScan = Date()
        }
    }

    /// The clients the operator granted, by public key (replaces the previous set).
    public func setClients(_ grants: [Message.ClientGrant]) {
        let map = Dictionary(grants.map { ($0.publicKey, NodeID.client($0.client)) }, uniquingKeysWith: { a, _ in a })
        state.withLock { $0.clients = map }
    }

    func allow(domain: String, _ kinds: Set<PeerKind>) { state.withLock { $0.domains[domain] = kinds } }

    func identity(of key: String) -> NodeID? {
        if let n = state.withLock({ $0.members[key] ?? $0.clients[key] }) { return n }
        // A worker added since: its public file is read on its first connection.
        guard state.withLock({ Date().timeIntervalSince($0.lastScan) > 1 }) else { return nil }
        rescan()
        return state.withLock { $0.members[key] }
    }

    /// The ZAP decision for a handshake.
    func decide(_ r: ZAPRequest) -> ZAPDecision {
        guard let allowed = state.withLock({ $0.domains[r.domain] }) else { return .deny(reason: "unknown ZAP domain \(r.domain)") }
        guard r.mechanism == "CURVE", let key = r.clientKey else { return .deny(reason: "CURVE is required") }
        guard let node = identity(of: key) else { return .deny(reason: "unknown key") }
        guard allowed.contains(PeerKind.of(node)) else { return .deny(reason: "\(node) may not connect to \(r.domain)") }
        return .allow(userID: node.description)
    }
}

/// A process's security: off (`--insecure`), or CurveZMQ with its own key pair, the key
/// directory's public keys and a ZAP handler answering every handshake on its bound
/// sockets.
public final class NodeSecurity: Sendable {
    public let insecure: Bool
    public let directory: URL
    let own: CurveKeyPair?
    public let registry: KeyRegistry
    let zap: ZAPHandler?

    /// `insecure`: no keys at all. Otherwise reads `node`'s secret key from the directory
    /// and starts the ZAP handler (before any socket binds).
    public init(node: NodeID, configuration: ClusterConfiguration, insecure: Bool, context: ZMQContext, log: NodeLog) throws {
        self.insecure = insecure
        directory = configuration.keyDirectory
        registry = KeyRegistry(directory: directory)
        if insecure {
            own = nil
            zap = nil
            return
        }
        let file = KeyFiles.secretFile(node, in: directory)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw KeyFiles.Failure("no key for \(node) at \(file.path): create the cluster's keys with `tranche keys generate --config FILE` (scripts/cluster-up.sh does it on first run), or start with --insecure")
        }
        let (identity, keys) = try KeyFiles.loadSecret(file)
        guard identity == node else { throw KeyFiles.Failure("\(file.path) holds the key of \(identity), not of \(node)") }
        own = keys
        let registry = registry
        zap = try ZAPHandler.start(context: context, onDenied: { r, reason in
            log.warning("connection refused on \(r.domain) from \(r.address): \(reason)")
        }, decide: { registry.decide($0) })
    }

    /// A client's security (the CLI, the load generator): its key pair, and the key
    /// directory where the servers' public keys are (no ZAP handler: it binds nothing).
    public init(clientKeys: CurveKeyPair?, directory: URL) {
        insecure = clientKeys == nil
        self.directory = directory
        own = clientKeys
        registry = KeyRegistry(directory: directory)
        zap = nil
    }

    public func stop() { zap?.stop() }

    /// Makes a socket that binds a CURVE server under `domain`, letting in `kinds` only.
    func configureServer(_ socket: ZMQSocket, domain: String, allow kinds: Set<PeerKind>) throws {
        guard let own else { return }
        registry.allow(domain: domain, kinds)
        try socket.makeCurveServer(secretKey: own.secretKey, zapDomain: domain)
    }

    /// Makes a socket that connects a CURVE client of `server` (its public key from the
    /// key directory).
    public func configureClient(_ socket: ZMQSocket, server: NodeID) throws {
        guard let own else { return }
        let (identity, key) = try KeyFiles.loadPublic(KeyFiles.publicFile(server, in: directory))
        guard identity == server else { throw KeyFiles.Failure("\(KeyFiles.publicFile(server, in: directory).path) holds the key of \(identity), not of \(server)") }
        try socket.makeCurveClient(serverKey: key, keys: own)
    }
}

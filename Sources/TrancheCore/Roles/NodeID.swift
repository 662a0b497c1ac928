/// A participant of the cluster, as the roles address each other.
public enum NodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    case coordinator
    case aggregator
    case venue
    case worker(String)
    case client(String)

    /// Textual form, used as the envelope's `sender`: "coordinator", "worker:w1", ….
    public var description: String {
        switch self {
        case .coordinator: return "coordinator"
        case .aggregator: return "aggregator"
        case .venue: return "venue"
        case .worker(let id): return "worker:\(id)"
        case .client(let id): return "client:\(id)"
        }
    }

    /// Parses the textual form; nil for anything else.
    public init?(_ text: String) {
        switch text {
        case "coordinator": self = .coordinator
        case "aggregator": self = .aggregator
        case "venue": self = .venue
        default:
            if text.hasPrefix("worker:") { self = .worker(String(text.dropFirst(7))) }
            else if text.hasPrefix("client:") { self = .client(String(text.dropFirst(7))) }
            else { return nil }
        }
    }

    private var rank: Int {
        switch self {
        case .venue: return 0
        case .aggregator: return 1
        case .coordinator: return 2
        case .worker: return 3
        case .client: return 4
        }
    }

    public static func < (a: NodeID, b: NodeID) -> Bool {
        switch (a, b) {
        case (.worker(let x), .worker(let y)), (.client(let x), .client(let y)): return x < y
        default: return a.rank < b.rank
        }
    }
}

/// Broadcast channels (PUB/SUB in the processes).
public enum Topic: String, Hashable, Sendable, CaseIterable {
    /// Venue → everyone: marks and depth.
    case marketData
    /// Aggregator → workers and coordinator: breaker states, fund state, ADL, deficit cover.
    case control
    /// Any role → subscribers: cluster events (`tranche events --follow`).
    case events
}

/// What a role asks its shell to do. Every shell switches over all cases, no `default:`.
public enum RoleDirective: Sendable {
    /// Send to one node (DEALER/ROUTER or PUSH in the processes).
    case send(to: NodeID, Envelope)
    /// Broadcast on a topic.
    case publish(Topic, Envelope)
    /// Call the role's `onWake(now:)` at (or soon after) this time.
    case wake(at: Instant)
    /// Store an account record of a shard durably, under the shard's epoch.
    case persist(shard: Int, epoch: UInt64, record: AccountRecord)
    /// Load every account record of a shard; the shell answers with the worker's
    /// `onShardLoaded(shard:epoch:records:now:)`.
    case loadShard(shard: Int, epoch: UInt64)
    /// An observable event (event log, `events --follow`).
    case event(ClusterEvent)
}

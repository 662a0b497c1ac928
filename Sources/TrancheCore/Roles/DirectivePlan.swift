/// How a shell carries out one handler's directives: the one set of rules the processes'
/// `NodeRunner` and the in-memory `SimulatedCluster` both follow, so the simulator
/// interprets directives exactly as the processes do, faults included.
///
/// 1. State first: the handler's `.persist`s form one batch (per shard: its records in
///    order, under the highest epoch given).
/// 2. Its messages (`send`, `publish`) and events leave only once that batch is durable, in
///    the order the handler produced them. If the store refuses a shard's write (a stale
///    epoch: a newer owner claimed it), none of them leave, and the worker is told which
///    shards it lost (`Worker.onFenced`).
/// 3. Wake-ups and shard loads change no durable state: carried out at once.
public struct DirectivePlan: Sendable {
    public enum Outgoing: Sendable {
        case send(NodeID, Envelope)
        case publish(Topic, Envelope)
        case event(ClusterEvent)
    }

    public struct ShardBatch: Sendable {
        public var shard: Int
        public var epoch: UInt64
        public var records: [AccountRecord]
    }

    public private(set) var outgoing: [Outgoing] = []
    /// Sorted by shard.
    public private(set) var persists: [ShardBatch] = []
    public private(set) var wakes: [Instant] = []
    public private(set) var loads: [(shard: Int, epoch: UInt64)] = []

    public init(_ directives: [RoleDirective]) {
        outgoing.reserveCapacity(directives.count)
        var batches: [Int: ShardBatch] = [:]
        for d in directives {
            switch d {
            case .send(let to, let e): outgoing.append(.send(to, e))
            case .publish(let t, let e): outgoing.append(.publish(t, e))
            case .event(let e): outgoing.append(.event(e))
            case .wake(let at): wakes.append(at)
            case .loadShard(let shard, let epoch): loads.append((shard, epoch))
            case .persist(let shard, let epoch, let record):
                batches[shard, default: ShardBatch(shard: shard, epoch: epoch, records: [])].records.append(record)
                batches[shard]!.epoch = max(batches[shard]!.epoch, epoch)
            }
        }
        persists = batches.keys.sorted().map { batches[$0]! }
    }

    /// The shards whose write a store fenced at `fence(shard)` refuses (rule 2).
    public func refused(fence: (Int) -> UInt64) -> [Int] {
        persists.filter { $0.epoch < fence($0.shard) }.map(\.shard)
    }

    /// The earliest wake-up asked for.
    public var earliestWake: Instant? { wakes.min() }
}

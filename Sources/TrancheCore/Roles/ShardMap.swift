/// Which worker owns which virtual shard, fenced by epochs. The map has a `version` that
/// grows with every change; a shard's epoch is the version at which its current owner got
/// it. An assignment message carries the map's version, which is ≥ the epoch of every
/// shard in it; a worker stamps its store writes with it, and a store refuses writes older
/// than the epoch of the shard's current owner. So a worker that lost a shard (declared
/// dead, then back) can never write to it again.
///
/// Assignment is balanced (every live worker owns ⌊S/n⌋ or ⌈S/n⌉ shards) and moves as few
/// shards as possible: a worker keeps what it owns up to its quota; orphaned and surplus
/// shards go to the least-loaded workers, ties by worker id. Deterministic.
public struct ShardMap: Sendable, Equatable, Codable {
    public struct Owner: Sendable, Equatable, Codable {
        public var worker: String
        public var epoch: UInt64
    }

    public let shardCount: Int
    /// Owner of each shard (index = shard), nil when no live worker holds it.
    public private(set) var owners: [Owner?]
    /// Epoch of each shard's latest assignment (survives the shard being unowned).
    public private(set) var epochs: [UInt64]
    /// Grows by one with every rebalance that changes anything.
    public private(set) var version: UInt64 = 0

    public init(shardCount: Int) {
        precondition(shardCount > 0)
        self.shardCount = shardCount
        owners = Array(repeating: nil, count: shardCount)
        epochs = Array(repeating: 0, count: shardCount)
    }

    public func owner(of shard: Int) -> Owner? { owners[shard] }

    public func shards(of worker: String) -> [Int] {
        owners.indices.filter { owners[$0]?.worker == worker }
    }

    /// Rebalances over `liveWorkers`. Returns the workers whose assignment changed.
    @discardableResult
    public mutating func rebalance(liveWorkers: [String]) -> Set<String> {
        let workers = Array(Set(liveWorkers)).sorted()
        var changed = Set<String>()
        // Shards of workers that are gone become orphans.
        for s in owners.indices {
            if let o = owners[s], !workers.contains(o.worker) {
                changed.insert(o.worker)
                owners[s] = nil
            }
        }
        guard !workers.isEmpty else {
            if !changed.isEmpty { version += 1 }
            return changed
        }
        let base = shardCount / workers.count
        let extra = shardCount % workers.count
        // Workers already owning more keep the larger quotas (fewer moves).
        var owned: [String: [Int]] = [:]
        for w in workers { owned[w] = shards(of: w) }
        let byLoad = workers.sorted { (owned[$0]!.count, $1) > (owned[$1]!.count, $0) }
        var quota: [String: Int] = [:]
        for (i, w) in byLoad.enumerated() { quota[w] = base + (i < extra ? 1 : 0) }
        var free: [Int] = owners.indices.filter { owners[$0] == nil }
        for w in workers where owned[w]!.count > quota[w]! {
            let surplus = owned[w]!.suffix(owned[w]!.count - quota[w]!)
            for s in surplus { owners[s] = nil; free.append(s) }
            owned[w]!.removeLast(surplus.count)
            changed.insert(w)
        }
        free.sort()
        if !free.isEmpty || !changed.isEmpty { version += 1 }
        var next = 0
        for w in workers {
            while owned[w]!.count < quota[w]!, next < free.count {
                let s = free[next]
                next += 1
                epochs[s] = version
                owners[s] = Owner(worker: w, epoch: version)
                owned[w]!.append(s)
                changed.insert(w)
            }
        }
        return changed
    }

    /// Re-issues every shard of `worker` under a new version (a restarted process of the
    /// same worker: the new one loads them under the new epoch, so the old one, if it is
    /// somehow still running, can no longer write to them). False when it owns none.
    @discardableResult
    public mutating func renew(worker: String) -> Bool {
        let mine = shards(of: worker)
        guard !mine.isEmpty else { return false }
        version += 1
        for s in mine {
            epochs[s] = version
            owners[s] = Owner(worker: worker, epoch: version)
        }
        return true
    }

    /// True when `worker` owns `shard` under exactly `epoch`.
    public func isCurrent(worker: String, shard: Int, epoch: UInt64) -> Bool {
        owners[shard] == Owner(worker: worker, epoch: epoch)
    }
}

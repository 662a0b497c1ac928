/// The four roles wired over an in-memory network in one process: the exact state
/// machines the processes run, with messages delivered after a fixed latency in a
/// canonical order, a stand-in for the durable store (with epoch fencing), and killable
/// workers. Deterministic: the same inputs give the same run, and results do not depend
/// on how accounts are sharded over workers (see `DeliveryKey`).
public struct SimulatedCluster: Sendable {
    /// Order of deliveries at one instant: class, then target, then a key taken from the
    /// message's content (account, then kind, then a sub-key), then emission order. Two
    /// messages can only tie up to the emission order when they concern the same account
    /// (and so come from its single owner) or come from a single-instance role, which is
    /// why a run with 1, 2 or 4 workers delivers the same messages in the same order to
    /// the venue and the aggregator.
    struct DeliveryKey: Comparable, Sendable {
        var cls: UInt8
        /// Index of the target in `nodes` (sorted like `NodeID`), so keys stay trivially copyable.
        var target: UInt16
        var account: UInt64
        var kind: Int
        var sub: UInt64
        var seq: UInt64
        /// Where the payload waits in `slots` (not part of the order: `seq` is unique).
        var slot: UInt32 = 0
        static func < (a: Self, b: Self) -> Bool {
            if a.cls != b.cls { return a.cls < b.cls }
            if a.target != b.target { return a.target < b.target }
            if a.account != b.account { return a.account < b.account }
            if a.kind != b.kind { return a.kind < b.kind }
            if a.sub != b.sub { return a.sub < b.sub }
            return a.seq < b.seq
        }
    }

    enum Payload: Sendable {
        case message(Envelope, from: NodeID)
        case wake
        case shardLoaded(shard: Int, epoch: UInt64)
    }

    /// An event waiting for its instant to close, with its canonical sort key.
    struct PendingEvent: Sendable {
        var account: UInt64
        var source: NodeID
        var seq: UInt64
        var event: ClusterEvent
    }

    public internal(set) var venue: Venue
    public internal(set) var aggregator: Aggregator
    public internal(set) var coordinator: Coordinator
    public private(set) var workers: [String: Worker]
    public private(set) var now: Instant = .zero
    public let latency: Duration
    /// Replies received by simulated clients.
    public private(set) var clientInbox: [String: [Envelope]] = [:]
    /// Store writes refused because their epoch was stale (a fenced-off former owner).
    public private(set) var fencedWrites = 0
    /// Messages delivered so far.
    public private(set) var delivered = 0
    public internal(set) var down: Set<String> = []
    /// Single-instance roles (venue, aggregator, coordinator) that are crashed.
    public internal(set) var rolesDown: Set<NodeID> = []
    /// Network faults between roles (nil: a perfect network, the default).
    public internal(set) var faults: NetworkFaults?
    var faultRandom = SeededGenerator(seed: 0)
    /// Roles cut off from every other role (messages to and from them are lost).
    public internal(set) var partitioned: Set<NodeID> = []
    /// What the network and the crashes did.
    public internal(set) var faultCounts = FaultCounts()
    /// What each single-instance role has made durable (kept only with faults on): what a
    /// restarted process resumes from.
    var durableAggregator: AggregatorDurable?
    var durableShardMap: ShardMap?
    var durablePrices: [MarketID: Price] = [:]
    var durableAnswers: [Message.TrancheFill] = []
    let initialAggregator: Aggregator
    let initialCoordinator: Coordinator

    var queue = TimerQueue<DeliveryKey>()
    /// Payloads waiting for delivery, by slot (a free list reuses emptied slots): an array
    /// index instead of a hash per message.
    var slots: [Payload?] = []
    var freeSlots: [UInt32] = []
    var seq: UInt64 = 0
    var pendingWakes: Set<WakeKey> = []
    var store: [Int: [AccountID: AccountRecord]] = [:]
    var storeEpoch: [Int: UInt64] = [:]
    var events: [PendingEvent] = []
    var eventsAt: Instant = .zero
    let workerConfigurations: [String: (WorkerConfiguration, [MarketSpec])]
    /// Every addressable node, sorted; a delivery key holds an index into it.
    var nodes: [NodeID] = []
    var nodeIndex: [NodeID: UInt16] = [:]

    struct WakeKey: Hashable, Sendable { var node: NodeID; var at: Instant }

    public init(venue: Venue, aggregator: Aggregator, coordinator: Coordinator, workers: [Worker], latency: Duration) {
        self.venue = venue
        self.aggregator = aggregator
        self.coordinator = coordinator
        self.workers = Dictionary(workers.map { ($0.configuration.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.latency = latency
        initialAggregator = aggregator
        initialCoordinator = coordinator
        workerConfigurations = Dictionary(workers.map { ($0.configuration.id, ($0.configuration, Array($0.context.markets.values).sorted { $0.id < $1.id })) },
                                          uniquingKeysWith: { a, _ in a })
        for n in ([NodeID.venue, .aggregator, .coordinator] + workers.map({ NodeID.worker($0.configuration.id) })).sorted() { _ = index(of: n) }
    }

    /// The index of a node in delivery keys: the roles in `NodeID` order first (registered
    /// at init), then clients in order of first appearance (deterministic too). Indices
    /// never change, so keys already queued stay valid.
    mutating func index(of node: NodeID) -> UInt16 {
        if let i = nodeIndex[node] { return i }
        nodes.append(node)
        nodeIndex[node] = UInt16(nodes.count - 1)
        return UInt16(nodes.count - 1)
    }

    /// Starts every role at the current time.
    public mutating func start(_ sink: (ClusterEvent) -> Void = { _ in }) {
        apply(venue.start(now: now), from: .venue, sink)
        apply(aggregator.start(now: now), from: .aggregator, sink)
        apply(coordinator.start(now: now), from: .coordinator, sink)
        for id in workers.keys.sorted() { apply(workers[id]!.start(now: now), from: .worker(id), sink) }
    }

    /// A client sends a command to the coordinator; the reply lands in `clientInbox`.
    public mutating func clientSend(_ client: String, _ body: MessageBody, correlation: UInt64, requestID: UInt64 = 0) {
        // The simulated clients hold the operator's key (they load the population and set
        // prices, as the operator does in a live cluster).
        let node = NodeID.client("\(Message.ClientGrant.operatorName)/\(client)")
        enqueue(Envelope(correlationID: correlation, sender: node.description, sentAt: now, body: body, requestID: requestID),
                from: node, to: .coordinator, at: now + latency)
    }

    /// Forgets the replies a client has read.
    public mutating func clearInbox(_ client: String) { clientInbox[client] = nil }

    /// The epoch the store holds for each shard (the fence).
    public var storeEpochs: [Int: UInt64] { storeEpoch }

    /// An input from outside the cluster delivered now, before anything else at this instant
    /// (the exogenous price path).
    public mutating func inject(_ body: MessageBody, to node: NodeID) {
        let e = Envelope(sender: "exogenous", sentAt: now, body: body)
        seq += 1
        // An exogenous price reaches the venue as the operator's does: through the coordinator.
        let slot = park(.message(e, from: .coordinator))
        queue.schedule(DeliveryKey(cls: 0, target: index(of: node), account: 0, kind: 0, sub: 0, seq: seq, slot: slot), at: now)
    }

    /// Stops delivering to a worker, as if its process were killed (`kill -9`).
    public mutating func kill(worker id: String) { down.insert(id) }

    /// Delivers to a stopped worker again with its memory as it was (a process that was
    /// paused long enough to be declared dead, then carried on).
    public mutating func resume(worker id: String, _ sink: (ClusterEvent) -> Void = { _ in }) {
        down.remove(id)
        // Its timers went on running while it was paused: they fire now.
        apply([.wake(at: now)], from: .worker(id), sink)
    }

    /// Starts a fresh process for a worker id (empty memory: it reloads its shards).
    public mutating func restart(worker id: String, _ sink: (ClusterEvent) -> Void = { _ in }) {
        guard let (config, markets) = workerConfigurations[id] else { return }
        down.remove(id)
        workers[id] = Worker(configuration: config, markets: markets)
        apply(workers[id]!.start(now: now), from: .worker(id), sink)
    }

    /// Delivers everything due up to `until` (inclusive), then sets the clock there.
    public mutating func run(until: Instant, _ sink: (ClusterEvent) -> Void = { _ in }) {
        while let next = queue.next, next <= until {
            let (at, key) = queue.popFirst()!
            if at > now { flushEvents(sink); now = at }
            deliver(unpark(key.slot), to: nodes[Int(key.target)], sink)
        }
        if until > now { flushEvents(sink); now = until }
    }

    /// Emits the events of the last instant in canonical order.
    public mutating func flushEvents(_ sink: (ClusterEvent) -> Void) {
        guard !events.isEmpty else { return }
        events.sort { a, b in
            if a.event.at != b.event.at { return a.event.at < b.event.at }
            if a.account != b.account { return a.account < b.account }
            if a.source != b.source { return a.source < b.source }
            return a.seq < b.seq
        }
        for e in events { sink(e.event) }
        events.removeAll(keepingCapacity: true)
    }

    /// The tables to look an account's record up in, in the order `accountRecords()`
    /// prefers them: each live worker's, then the store's shards. Cheaper than
    /// `accountRecords()` when only a few accounts are wanted.
    public func recordTables() -> [[AccountID: AccountRecord]] {
        workers.keys.sorted().filter { !down.contains($0) }.map { workers[$0]!.accounts } + store.keys.sorted().map { store[$0]! }
    }

    /// Every account record, from the live workers (the store for shards nobody holds).
    public func accountRecords() -> [AccountRecord] {
        var out: [AccountID: AccountRecord] = [:]
        for recs in store.values { for (id, r) in recs { out[id] = r } }
        for (id, w) in workers where !down.contains(id) { for (aid, r) in w.accounts { out[aid] = r } }
        return out.keys.sorted().map { out[$0]! }
    }

    /// Every account record as the cluster of record sees it: from the worker the shard
    /// map names, when it serves the shard, else from the store (never from a stale former
    /// owner's memory).
    public func currentRecords(shardCount: Int) -> [AccountRecord] {
        var out: [AccountID: AccountRecord] = [:]
        for (_, recs) in store { for (id, r) in recs { out[id] = r } }
        for s in 0..<shardCount {
            guard let o = coordinator.shardMap.owner(of: s), !down.contains(o.worker), let w = workers[o.worker],
                  w.shards[s] != nil, !w.loading.contains(s) else { continue }
            for (id, r) in w.accounts where ShardMath.shard(of: id, shardCount: shardCount) == s { out[id] = r }
        }
        return out.keys.sorted().map { out[$0]! }
    }

    // MARK: - Delivery

    mutating func deliver(_ payload: consuming Payload, to node: NodeID, _ sink: (ClusterEvent) -> Void) {
        if case .wake = payload { pendingWakes.remove(WakeKey(node: node, at: now)) }
        if rolesDown.contains(node) { return }
        delivered += 1
        switch consume payload {
        case .message(let e, let from):
            switch node {
            case .venue: apply(venue.receive(e, from: from, now: now), from: node, sink)
            case .aggregator: apply(aggregator.receive(e, from: from, now: now), from: node, sink)
            case .coordinator: apply(coordinator.receive(e, from: from, now: now), from: node, sink)
            case .worker(let id):
                guard !down.contains(id), workers.index(forKey: id) != nil else { return }
                apply(workers[id]!.receive(e, from: from, now: now), from: node, sink)
            case .client(let id):
                let operatorPrefix = "\(Message.ClientGrant.operatorName)/"
                clientInbox[id.hasPrefix(operatorPrefix) ? String(id.dropFirst(operatorPrefix.count)) : id, default: []].append(e)
            }
            if faults != nil { checkpoint(node) }
        case .wake:
            switch node {
            case .venue: apply(venue.onWake(now: now), from: node, sink)
            case .aggregator: apply(aggregator.onWake(now: now), from: node, sink)
            case .coordinator: apply(coordinator.onWake(now: now), from: node, sink)
            case .worker(let id):
                guard !down.contains(id), workers.index(forKey: id) != nil else { return }
                apply(workers[id]!.onWake(now: now), from: node, sink)
            case .client: return
            }
            if faults != nil { checkpoint(node) }
        case .shardLoaded(let shard, let epoch):
            guard case .worker(let id) = node, !down.contains(id), workers.index(forKey: id) != nil else { return }
            let records = (store[shard] ?? [:]).values.sorted { $0.account.id < $1.account.id }
            apply(workers[id]!.onShardLoaded(shard: shard, epoch: epoch, records: records, now: now), from: node, sink)
        }
    }

    /// Carries out a handler's directives by the rules of `DirectivePlan`, as the
    /// processes' shell does: state first, then messages and events, none if the store
    /// refused a write (and the worker is told which shards it lost).
    mutating func apply(_ directives: [RoleDirective], from node: NodeID, _ sink: (ClusterEvent) -> Void) {
        let plan = DirectivePlan(directives)
        let refused = plan.refused { storeEpoch[$0, default: 0] }
        for b in plan.persists {
            if refused.contains(b.shard) { fencedWrites += 1; continue }
            for r in b.records { store[b.shard, default: [:]][r.account.id] = r }
        }
        for o in plan.outgoing {
            switch o {
            case .send(let to, let e):
                if !refused.isEmpty { faultCounts.fencedMessages += 1; continue }
                enqueue(e, from: node, to: to, at: now + latency)
            case .publish(let topic, let e):
                if !refused.isEmpty { faultCounts.fencedMessages += 1; continue }
                for to in subscribers(topic) where to != node { enqueue(e, from: node, to: to, at: now + latency) }
            case .event(let e):
                // A worker's events travel to the aggregator as messages: fenced, they are lost too.
                if !refused.isEmpty { continue }
                seq += 1
                events.append(PendingEvent(account: e.account?.rawValue ?? 0, source: node, seq: seq, event: e))
            }
        }
        for at in plan.wakes {
            let when = max(at, now)
            if pendingWakes.insert(WakeKey(node: node, at: when)).inserted {
                seq += 1
                let slot = park(.wake)
                queue.schedule(DeliveryKey(cls: 3, target: index(of: node), account: 0, kind: 0, sub: 0, seq: seq, slot: slot), at: when)
            }
        }
        for (shard, epoch) in plan.loads {
            storeEpoch[shard] = max(storeEpoch[shard, default: 0], epoch)
            seq += 1
            let slot = park(.shardLoaded(shard: shard, epoch: epoch))
            queue.schedule(DeliveryKey(cls: 2, target: index(of: node), account: 0, kind: 0, sub: UInt64(shard), seq: seq, slot: slot), at: now + latency)
        }
        // As the processes' shell does: the worker learns which shards it lost.
        if !refused.isEmpty, case .worker(let id) = node, workers.index(forKey: id) != nil, !down.contains(id) {
            apply(workers[id]!.onFenced(shards: refused.sorted(), now: now), from: node, sink)
        }
    }

    func subscribers(_ topic: Topic) -> [NodeID] {
        switch topic {
        case .marketData: return [.aggregator] + workers.keys.sorted().map { .worker($0) }
        case .control: return [.coordinator] + workers.keys.sorted().map { .worker($0) }
        case .events: return []
        }
    }

    mutating func enqueue(_ e: Envelope, from: NodeID, to: NodeID, at: Instant) {
        var at = at
        if faults != nil || !partitioned.isEmpty, Self.isRole(from), Self.isRole(to) {
            if partitioned.contains(from) || partitioned.contains(to) { faultCounts.partitionDrops += 1; return }
            if let f = faults {
                if faultRandom.nextUnit() < f.dropRate { faultCounts.dropped += 1; return }
                if f.maxExtraDelay.nanoseconds > 0 {
                    at = at + Duration(nanoseconds: Int64(faultRandom.nextUnit() * Double(f.maxExtraDelay.nanoseconds)))
                    faultCounts.delayed += 1
                }
                if faultRandom.nextUnit() < f.duplicateRate {
                    faultCounts.duplicated += 1
                    schedule(e, from: from, to: to, at: at + Duration(nanoseconds: Int64(faultRandom.nextUnit() * Double(max(f.maxExtraDelay.nanoseconds, 1)))))
                }
            }
        }
        schedule(e, from: from, to: to, at: at)
    }

    static func isRole(_ n: NodeID) -> Bool {
        if case .client = n { return false }
        return true
    }

    mutating func schedule(_ e: Envelope, from: NodeID, to: NodeID, at: Instant) {
        seq += 1
        let slot = park(.message(e, from: from))
        var (account, sub) = Self.contentKey(e.body)
        var kind = e.kind.rawValue
        if let d = e.delivery {
            // An account's reliable stream arrives in its own order (as over one
            // connection), whatever the kinds: its sequence is the key.
            (account, kind, sub) = (d.account.rawValue, 0, d.sequence)
        }
        queue.schedule(DeliveryKey(cls: 1, target: index(of: to), account: account, kind: kind, sub: sub, seq: seq, slot: slot), at: at)
    }

    /// Puts a payload in a free slot until its delivery.
    mutating func park(_ p: Payload) -> UInt32 {
        if let i = freeSlots.popLast() {
            slots[Int(i)] = p
            return i
        }
        slots.append(p)
        return UInt32(slots.count - 1)
    }

    /// Takes a payload out of its slot, which becomes free.
    mutating func unpark(_ slot: UInt32) -> Payload {
        var p: Payload? = nil
        swap(&p, &slots[Int(slot)])
        freeSlots.append(slot)
        return p!
    }

    /// The account (and a sub-key) a message is about, for canonical ordering.
    static func contentKey(_ body: MessageBody) -> (UInt64, UInt64) {
        switch body {
        case .openAccount(let c): return (c.account.rawValue, 0)
        case .deposit(let c): return (c.account.rawValue, 0)
        case .withdraw(let c): return (c.account.rawValue, 0)
        case .submitPosition(let c): return (c.account.rawValue, 0)
        case .reducePosition(let c): return (c.account.rawValue, 0)
        case .closePosition(let c): return (c.account.rawValue, 0)
        case .showAccount(let c): return (c.account.rawValue, 0)
        case .trancheOrder(let o): return (o.tranche.account.rawValue, o.tranche.sequence)
        case .trancheFill(let f): return (f.tranche.account.rawValue, f.tranche.sequence)
        case .fillReport(let r): return (r.tranche.account.rawValue, r.tranche.sequence)
        case .ledgerPosting(let p): return (p.transfers.first?.account?.rawValue ?? 0, 0)
        case .bankruptcyNotice(let n): return (n.tranche.account.rawValue, n.tranche.sequence)
        case .bankruptcyDecision(let d): return (d.tranche.account.rawValue, d.tranche.sequence)
        case .takeoverNotice(let t): return (t.account.rawValue, 0)
        case .adlInstruction(let i): return (i.account.rawValue, i.requestID)
        case .adlCandidatesRequest(let r): return (0, r.requestID)
        case .adlCandidates(let c): return (0, c.requestID)
        case .insuranceFundEvent(let e): return (e.account?.rawValue ?? 0, 0)
        case .deliveryAck(let a): return (a.entries.first?.account.rawValue ?? 0, a.entries.first?.sequence ?? 0)
        case .adlApplied(let a): return (a.account.rawValue, a.requestID)
        case .commandReply, .statusView, .fundView, .breakerList, .markPrice, .depthSummary, .breakerState, .fundState, .liquidationEvent,
             .heartbeat, .workerRegister, .shardAssignment, .statusRequest, .fundRequest, .breakerRequest, .setPrice, .subscribeEvents, .clientGrant, .accountListRequest, .accountList, .clusterEvent, .liquidationDemand, .liquidationBudget:
            return (0, 0)
        }
    }
}

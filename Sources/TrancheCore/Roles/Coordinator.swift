/// Settings of the coordinator.
public struct CoordinatorConfiguration: Sendable, Codable, Equatable {
    /// Number of virtual shards accounts hash into (fixed for the life of a cluster).
    public var shardCount: Int = 64
    /// Interval at which workers send heartbeats.
    public var heartbeatInterval: Duration = .seconds(1)
    /// Heartbeats a worker may miss before it is declared dead and its shards move.
    public var liveness: Int = 3
    /// A routed command not answered within this time gets a TIMEOUT reply.
    public var requestTimeout: Duration = .seconds(5)
    /// Routed requests waiting for their owner's answer at most; beyond, clients get BUSY
    /// (bounded memory under a flood).
    public var maxPendingRequests: Int = 1_000_000
    /// The cluster's identity: a worker that says another is ignored ("": not checked).
    /// Set from the cluster configuration, not read from this section.
    public var clusterID: String = ""
    /// No authentication (an `--insecure` cluster): every client acts as the operator.
    /// Set from the cluster configuration, not read from this section.
    public var openAccess = false
    /// Client keys the operator may grant at most (bounded table).
    public static let maxClients = 65_536

    public init(shardCount: Int = 64, heartbeatInterval: Duration = .seconds(1), liveness: Int = 3, requestTimeout: Duration = .seconds(5)) {
        self.shardCount = shardCount
        self.heartbeatInterval = heartbeatInterval
        self.liveness = liveness
        self.requestTimeout = requestTimeout
    }

    public func validate(field: String = "coordinator") throws(ConfigurationError) {
        if shardCount < 1 || shardCount > 65_536 { throw ConfigurationError(field: "\(field).shardCount", reason: "must be in 1…65536") }
        if heartbeatInterval.nanoseconds <= 0 { throw ConfigurationError(field: "\(field).heartbeatInterval", reason: "must be positive") }
        if liveness < 1 { throw ConfigurationError(field: "\(field).liveness", reason: "must be at least 1") }
        if requestTimeout.nanoseconds <= 0 { throw ConfigurationError(field: "\(field).requestTimeout", reason: "must be positive") }
        if maxPendingRequests < 1 { throw ConfigurationError(field: "\(field).maxPendingRequests", reason: "must be positive") }
    }

    /// Silence after which a worker is declared dead.
    public var deadAfter: Duration { Duration(nanoseconds: heartbeatInterval.nanoseconds * Int64(liveness)) }

    enum CodingKeys: String, CodingKey, CaseIterable { case shardCount, heartbeatInterval, liveness, requestTimeout, maxPendingRequests }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CoordinatorConfiguration()
        shardCount = try c.decode(.shardCount, default: d.shardCount)
        heartbeatInterval = try c.decode(.heartbeatInterval, default: d.heartbeatInterval)
        liveness = try c.decode(.liveness, default: d.liveness)
        requestTimeout = try c.decode(.requestTimeout, default: d.requestTimeout)
        maxPendingRequests = try c.decode(.maxPendingRequests, default: d.maxPendingRequests)
    }
}

/// The coordinator: shards accounts over live workers, routes client commands to the
/// owner of the account's shard and relays the reply, and answers cluster status.
/// A pure state machine: every handler takes `now` and returns directives.
public struct Coordinator: Sendable {
    public struct WorkerInfo: Sendable, Equatable {
        public var lastSeen: Instant
        public var accounts: UInt64
        public var alive: Bool
    }

    struct Pending: Sendable {
        var client: NodeID
        var correlation: UInt64
        /// What the client asked (metrics: commands by kind and result).
        var kind: MessageKind
        var deadline: Instant
        /// Who was asked: only its answer is relayed.
        var target: NodeID
    }

    public let configuration: CoordinatorConfiguration
    public private(set) var shardMap: ShardMap
    public private(set) var workers: [String: WorkerInfo] = [:]
    public private(set) var breakers: [MarketID: Message.BreakerState] = [:]
    public private(set) var fundBalance: Quote = .zero
    private var pending: [UInt64: Pending] = [:]
    private var nextCorrelation: UInt64 = 1
    private var nextCheck: Instant?
    /// The map version of the last assignment sent to each worker.
    private var assignedVersion: [String: UInt64] = [:]
    /// Account lists being gathered from the workers, by the correlation they were asked under.
    struct Listing: Sendable {
        var client: NodeID
        var correlation: UInt64
        var waiting: Set<String>
        var accounts: [Message.AccountListing]
        var truncated: Bool
        var limit: Int
        var deadline: Instant
    }
    private var listings: [UInt64: Listing] = [:]
    /// Account lists gathered at once at most (operator commands; beyond: BUSY).
    static let maxListings = 64
    /// Client keys and the accounts each may act on, by client name (durable).
    public private(set) var grants: [String: Message.ClientGrant] = [:]
    /// Bumped on every change of `grants` (the shell saves them and tells its ZAP handler).
    public private(set) var grantsVersion: UInt64 = 0

    public init(configuration: CoordinatorConfiguration, shardMap: ShardMap? = nil, grants: [Message.ClientGrant] = []) {
        self.configuration = configuration
        self.shardMap = shardMap ?? ShardMap(shardCount: configuration.shardCount)
        for g in grants { self.grants[g.client] = g }
    }

    public var pendingRequests: Int { pending.count }

    /// A client request's kind and the code of its answer (metrics).
    public struct CommandResult: Hashable, Sendable {
        public var kind: MessageKind
        public var code: ErrorCode
    }
    /// Client requests answered since start, by kind and result: answered here (refused,
    /// a view, a grant), relayed from their owner, or timed out.
    public private(set) var commandResults: [CommandResult: Int] = [:]
    /// Liveness checks (one per heartbeat interval) at which a live worker's last heartbeat
    /// was more than one and a half intervals old, since start.
    public private(set) var heartbeatsMissed = 0
    /// Workers declared dead (silent for the liveness period), since start.
    public private(set) var workersDeclaredDead = 0

    mutating func countAnswer(_ kind: MessageKind, _ body: MessageBody) {
        let code: ErrorCode
        if case .commandReply(let r) = body { code = r.errorCode } else { code = .ok }
        commandResults[CommandResult(kind: kind, code: code), default: 0] += 1
    }

    public func shard(of account: AccountID) -> Int { ShardMath.shard(of: account, shardCount: configuration.shardCount) }

    public mutating func start(now: Instant) -> [RoleDirective] {
        // Restarted with a stored map: its owners are presumed alive for one liveness
        // period (they heartbeat to the new process), so the first worker heard does not
        // get every shard only to hand half of them back a moment later.
        for s in 0..<shardMap.shardCount {
            if let o = shardMap.owner(of: s), workers[o.worker] == nil {
                workers[o.worker] = WorkerInfo(lastSeen: now, accounts: 0, alive: true)
            }
        }
        nextCheck = now + configuration.heartbeatInterval
        return [.wake(at: nextCheck!)]
    }

    public mutating func receive(_ envelope: Envelope, from sender: NodeID, now: Instant) -> [RoleDirective] {
        let out = dispatch(envelope, from: sender, now: now)
        // A client's request answered at once (refused, a view, a grant) is counted with its
        // answer; one forwarded to its owner when the answer is relayed, or at its timeout.
        if case .client = sender {
            for d in out {
                // (An account list is counted where it is finished, also when that is later.)
                if case .send(let to, let e) = d, to == sender, e.correlationID == envelope.correlationID, e.kind != .accountList { countAnswer(envelope.kind, e.body) }
            }
        }
        return out
    }

    mutating func dispatch(_ envelope: Envelope, from sender: NodeID, now: Instant) -> [RoleDirective] {
        guard let input = Self.input(envelope.body), Self.authorized(input, from: sender) else { return [] }
        func denied(_ why: String) -> [RoleDirective] {
            [reply(to: sender, correlation: envelope.correlationID, body: .commandReply(Message.CommandReply(errorCode: .permissionDenied, errorMessage: why)), now: now),
             .event(ClusterEvent(at: now, kind: .rejected, detail: "\(envelope.kind) from \(sender) refused: \(why)"))]
        }
        let who = Self.principal(of: sender).map { "client:\($0)" } ?? sender.description
        switch input {
        // A worker speaks for itself only: its registration and heartbeats name it.
        case .register(let r) where sender != .worker(r.workerID):
            return denied("\(sender) cannot register worker \(r.workerID)")
        case .heartbeat(let h) where sender != .worker(h.workerID):
            return denied("\(sender) cannot heartbeat for worker \(h.workerID)")
        case .accountCommand(let account) where !may(sender, actOn: account):
            return denied("\(who) may not act on account \(account) (the operator grants accounts: tranche keys grant)")
        case .forward, .status, .breakers, .grant, .listAccounts:
            if !isOperator(sender) { return denied("\(envelope.kind) needs the operator's key (\(who) is not the operator)") }
        default: break
        }
        switch input {
        // A worker configured for another cluster (another data directory) never joins this one.
        case .register(let r) where !belongs(r.clusterID):
            return [foreign(r.workerID, r.clusterID, now: now)]
        case .heartbeat(let h) where !belongs(h.clusterID):
            return [foreign(h.workerID, h.clusterID, now: now)]
        case .register(let r):
            return seen(worker: r.workerID, accounts: nil, registering: true, now: now)
        case .heartbeat(let h):
            // A fresh process (never assigned anything) whose registration was lost, while
            // the map says it owns shards: handled as the registration it is.
            let owned = shardMap.shards(of: h.workerID)
            if h.epoch == 0, !owned.isEmpty, workers[h.workerID]?.alive == true {
                return seen(worker: h.workerID, accounts: h.accounts, registering: true, now: now)
            }
            var out = seen(worker: h.workerID, accounts: h.accounts, now: now)
            // Its assignment was lost (or overtaken): it heartbeats another epoch than the one
            // it was last given (after our own restart: we gave it none yet). Again; an
            // assignment it already has changes nothing.
            if out.isEmpty, h.epoch != assignedVersion[h.workerID], workers[h.workerID]?.alive == true {
                out.append(.send(to: .worker(h.workerID), Envelope(sender: NodeID.coordinator.description, sentAt: now, body: .shardAssignment(assignment(of: h.workerID)))))
            }
            return out
        case .accountCommand(let account):
            return route(envelope, account: account, from: sender, now: now)
        case .forward(let to):
            return forward(envelope, to: to, from: sender, now: now)
        case .status:
            return [reply(to: sender, correlation: envelope.correlationID, body: .statusView(status()), now: now)]
        case .breakers:
            return [reply(to: sender, correlation: envelope.correlationID, body: .breakerList(Message.BreakerList(breakers: breakers.keys.sorted().map { breakers[$0]! })), now: now)]
        case .subscribe:
            // Events are a broadcast on the aggregator's events endpoint (a SUB socket
            // receives them, as `tranche events` does); an OK here would promise events
            // that never come.
            return [reply(to: sender, correlation: envelope.correlationID, body: .commandReply(Message.CommandReply(
                errorCode: .invalidArgument, errorMessage: "events are not sent on this connection: subscribe (ZeroMQ SUB) to the events endpoint of the configuration, as `tranche events` does")), now: now)]
        case .grant(let g):
            return [reply(to: sender, correlation: envelope.correlationID, body: .commandReply(grant(g)), now: now)]
        case .listAccounts(let r):
            return listAccounts(r, correlation: envelope.correlationID, from: sender, now: now)
        case .listing(let l):
            guard case .worker(let w) = sender else { return [] }
            return gather(l, from: w, correlation: envelope.correlationID, now: now)
        case .reply:
            // Only the node the request went to answers it: a guessed correlation id from
            // anyone else relays nothing.
            guard let p = pending[envelope.correlationID], p.target == sender else { return [] }
            pending[envelope.correlationID] = nil
            countAnswer(p.kind, envelope.body)
            var relayed = envelope
            relayed.correlationID = p.correlation
            relayed.sender = NodeID.coordinator.description
            relayed.sentAt = now
            return [.send(to: p.client, relayed)]
        case .breakerState(let b):
            breakers[b.market] = b
            return []
        case .fundState(let f):
            fundBalance = f.balance
            return []
        }
    }

    public mutating func onWake(now: Instant) -> [RoleDirective] {
        var out: [RoleDirective] = []
        // Workers silent for too long are dead: their shards move.
        var died = false
        let late = Duration(nanoseconds: configuration.heartbeatInterval.nanoseconds * 3 / 2)
        for (_, w) in workers where w.alive && now - w.lastSeen > late { heartbeatsMissed += 1 }
        for (id, w) in workers where w.alive && now - w.lastSeen > configuration.deadAfter {
            workers[id]!.alive = false
            died = true
            workersDeclaredDead += 1
        }
        if died { out += rebalance(now: now) }
        // Dead workers that own nothing are forgotten after ten liveness periods (a peer
        // that registered once and never heartbeat again does not stay for ever).
        let forgetAfter = Duration(nanoseconds: configuration.deadAfter.nanoseconds * 10)
        for (id, w) in workers where !w.alive && now - w.lastSeen > forgetAfter && shardMap.shards(of: id).isEmpty {
            workers[id] = nil
            assignedVersion[id] = nil
        }
        // Account lists some worker did not answer: what came, and who did not.
        for k in listings.keys.sorted() where listings[k]!.deadline <= now { out.append(finishListing(k, now: now)) }
        // Requests nobody answered.
        for (k, p) in pending where p.deadline <= now {
            pending[k] = nil
            countAnswer(p.kind, .commandReply(Message.CommandReply(errorCode: .timeout, errorMessage: "")))
            out.append(reply(to: p.client, correlation: p.correlation,
                             body: .commandReply(Message.CommandReply(errorCode: .timeout, errorMessage: "the owner of the account did not answer in \(configuration.requestTimeout)")), now: now))
        }
        nextCheck = now + configuration.heartbeatInterval
        out.append(.wake(at: nextCheck!))
        return out
    }

    public func status() -> Message.StatusView {
        Message.StatusView(
            shardCount: UInt32(configuration.shardCount),
            workers: workers.keys.sorted().map { id in
                Message.WorkerView(workerID: id, alive: workers[id]!.alive, shards: shardMap.shards(of: id).map { UInt32($0) }, accounts: workers[id]!.accounts)
            },
            breakers: breakers.keys.sorted().map { m in
                let b = breakers[m]!
                return Message.BreakerView(market: m, level: b.level, reason: b.reason, sequence: b.sequence, since: b.since)
            },
            fundBalance: fundBalance, insecure: configuration.openAccess)
    }

    // MARK: - Internals

    /// At most this many workers are known; registrations beyond are ignored.
    public static let maxWorkers = 1_024

    private mutating func seen(worker id: String, accounts: UInt64?, registering: Bool = false, now: Instant) -> [RoleDirective] {
        let known = workers[id] != nil
        // Bounded: a flood of registrations under new names cannot grow the table.
        if !known && workers.count >= Self.maxWorkers { return [] }
        let wasAlive = workers[id]?.alive ?? false
        workers[id, default: WorkerInfo(lastSeen: now, accounts: 0, alive: true)].lastSeen = now
        workers[id]!.alive = true
        if let a = accounts { workers[id]!.accounts = a }
        if wasAlive && registering {
            // Registered again while alive: a process restarted before it was missed, with
            // empty memory. Its shards are re-issued under a new epoch and sent to it.
            workers[id]!.accounts = 0
            guard shardMap.renew(worker: id) else { return rebalance(now: now) }
            return [.send(to: .worker(id), Envelope(sender: NodeID.coordinator.description, sentAt: now, body: .shardAssignment(
                assignment(of: id))))]
        }
        guard !wasAlive else { return [] }
        var out = rebalance(now: now)
        // A worker declared dead and back (a pause, not a restart) may still hold shards in
        // memory that others changed meanwhile: its assignment, with the epoch of each
        // shard, makes it drop every shard it holds under another epoch (or no longer
        // owns) and load afresh. It gets one even when the rebalance left it nothing.
        let told = out.contains { d in
            if case .send(.worker(let w), _) = d { return w == id }
            return false
        }
        if known && !told {
            out.append(.send(to: .worker(id), Envelope(sender: NodeID.coordinator.description, sentAt: now, body: .shardAssignment(assignment(of: id)))))
        }
        return out
    }

    private mutating func rebalance(now: Instant) -> [RoleDirective] {
        let live = workers.filter { $0.value.alive }.map(\.key)
        let changed = shardMap.rebalance(liveWorkers: live)
        return changed.sorted().filter { workers[$0]?.alive == true }.map { id in
            .send(to: .worker(id), Envelope(sender: NodeID.coordinator.description, sentAt: now, body: .shardAssignment(
                assignment(of: id))))
        }
    }

    private mutating func route(_ envelope: Envelope, account: AccountID, from sender: NodeID, now: Instant) -> [RoleDirective] {
        guard let owner = shardMap.owner(of: shard(of: account)), workers[owner.worker]?.alive == true else {
            return [reply(to: sender, correlation: envelope.correlationID,
                          body: .commandReply(Message.CommandReply(errorCode: .unavailable, errorMessage: "no live worker owns shard \(shard(of: account)) yet; retry shortly")), now: now)]
        }
        return forward(envelope, to: .worker(owner.worker), from: sender, now: now)
    }

    private mutating func forward(_ envelope: Envelope, to node: NodeID, from sender: NodeID, now: Instant) -> [RoleDirective] {
        guard pending.count < configuration.maxPendingRequests else {
            return [reply(to: sender, correlation: envelope.correlationID,
                          body: .commandReply(Message.CommandReply(errorCode: .busy, errorMessage: "the coordinator has \(pending.count) requests waiting for their owners; retry shortly")), now: now)]
        }
        let k = nextCorrelation
        nextCorrelation += 1
        pending[k] = Pending(client: sender, correlation: envelope.correlationID, kind: envelope.kind, deadline: now + configuration.requestTimeout, target: node)
        var routed = envelope
        routed.correlationID = k
        // The client's name (with its request id, the idempotency key the owner keeps).
        routed.origin = sender.description
        routed.sender = NodeID.coordinator.description
        routed.sentAt = now
        return [.send(to: node, routed)]
    }

    /// `tranche account list`: asked of every live worker (or the one named), gathered,
    /// answered when all have answered or at the request timeout, lowest ids first.
    mutating func listAccounts(_ r: Message.AccountListRequest, correlation: UInt64, from sender: NodeID, now: Instant) -> [RoleDirective] {
        guard listings.count < Self.maxListings else {
            return [reply(to: sender, correlation: correlation, body: .commandReply(Message.CommandReply(errorCode: .busy, errorMessage: "\(listings.count) account lists are being gathered; retry shortly")), now: now)]
        }
        let asked = workers.filter { $0.value.alive && (r.workerID == nil || $0.key == r.workerID) }.map(\.key).sorted()
        let k = nextCorrelation
        nextCorrelation += 1
        listings[k] = Listing(client: sender, correlation: correlation, waiting: Set(asked), accounts: [], truncated: false,
                              limit: r.effectiveLimit, deadline: now + configuration.requestTimeout)
        guard !asked.isEmpty else { return [finishListing(k, now: now)] }
        return asked.map { w in .send(to: .worker(w), Envelope(correlationID: k, sender: NodeID.coordinator.description, sentAt: now, body: .accountListRequest(r))) }
    }

    mutating func gather(_ l: Message.AccountList, from worker: String, correlation k: UInt64, now: Instant) -> [RoleDirective] {
        guard var g = listings[k], g.waiting.remove(worker) != nil else { return [] }
        g.accounts += l.accounts
        g.truncated = g.truncated || l.truncated
        listings[k] = g
        return g.waiting.isEmpty ? [finishListing(k, now: now)] : []
    }

    mutating func finishListing(_ k: UInt64, now: Instant) -> RoleDirective {
        let g = listings.removeValue(forKey: k)!
        if case .client = g.client { commandResults[CommandResult(kind: .accountListRequest, code: .ok), default: 0] += 1 }
        let sorted = g.accounts.sorted { $0.account.account < $1.account.account }
        let list = Message.AccountList(accounts: Array(sorted.prefix(g.limit)), truncated: g.truncated || sorted.count > g.limit, missingWorkers: g.waiting.sorted())
        return reply(to: g.client, correlation: g.correlation, body: .accountList(list), now: now)
    }

    /// Whether the sender is the operator (or the cluster is insecure: everyone is).
    public func isOperator(_ sender: NodeID) -> Bool {
        configuration.openAccess || Self.principal(of: sender) == Message.ClientGrant.operatorName
    }

    /// Whether the sender may open and act on the account: the operator, or a client the
    /// operator granted it to.
    public func may(_ sender: NodeID, actOn account: AccountID) -> Bool {
        if isOperator(sender) { return true }
        guard let name = Self.principal(of: sender), let g = grants[name] else { return false }
        return g.covers(account)
    }

    mutating func grant(_ g: Message.ClientGrant) -> Message.CommandReply {
        func invalid(_ why: String) -> Message.CommandReply { Message.CommandReply(errorCode: .invalidArgument, errorMessage: why) }
        guard Message.ClientGrant.isValidName(g.client) else {
            return invalid("client name '\(g.client)': 1–64 letters, digits, '-', '_' or '.', and not '\(Message.ClientGrant.operatorName)'")
        }
        if g.revoke {
            guard grants.removeValue(forKey: g.client) != nil else { return invalid("no client named \(g.client)") }
            grantsVersion += 1
            return Message.CommandReply(errorCode: .ok, errorMessage: "client \(g.client) revoked")
        }
        guard g.publicKey.utf8.count == 40 else { return invalid("public key: a Z85 CurveZMQ key of 40 characters") }
        if let other = grants.values.first(where: { $0.publicKey == g.publicKey && $0.client != g.client }) {
            return invalid("that key is already granted to client \(other.client)")
        }
        guard !g.accounts.isEmpty, g.accounts.count <= 1_000 else { return invalid("accounts: 1 to 1,000 ranges") }
        guard grants[g.client] != nil || grants.count < CoordinatorConfiguration.maxClients else {
            return Message.CommandReply(errorCode: .busy, errorMessage: "\(grants.count) clients are granted, the most this cluster keeps; revoke some first")
        }
        grants[g.client] = Message.ClientGrant(client: g.client, publicKey: g.publicKey, accounts: g.accounts)
        grantsVersion += 1
        return Message.CommandReply(errorCode: .ok, errorMessage: "client \(g.client) may act on accounts \(g.accounts.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ","))")
    }

    func belongs(_ cluster: String) -> Bool { configuration.clusterID.isEmpty || cluster == configuration.clusterID }

    func foreign(_ worker: String, _ cluster: String, now: Instant) -> RoleDirective {
        .event(ClusterEvent(at: now, kind: .rejected, detail: "worker \(worker) of cluster '\(cluster)' ignored: this is cluster '\(configuration.clusterID)'"))
    }

    /// A worker's shards with the epoch each was assigned under (noted as given to it).
    mutating func assignment(of id: String) -> Message.ShardAssignment {
        assignedVersion[id] = shardMap.version
        let mine = shardMap.shards(of: id)
        return Message.ShardAssignment(workerID: id, epoch: shardMap.version, shards: mine.map { UInt32($0) },
                                       shardEpochs: mine.map { shardMap.owner(of: $0)?.epoch ?? shardMap.version })
    }

    private func reply(to node: NodeID, correlation: UInt64, body: MessageBody, now: Instant) -> RoleDirective {
        .send(to: node, Envelope(correlationID: correlation, sender: NodeID.coordinator.description, sentAt: now, body: body))
    }
}

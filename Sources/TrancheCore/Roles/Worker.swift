/// A worker: owns the accounts of its shards, applies client commands, re-evaluates margin
/// on every mark through a liquidation-price index, runs each scope's liquidation state
/// machine, sends tranches to the venue, applies fills and reports every money movement
/// to the aggregator. A pure state machine: handlers take `now` and return directives.
public struct Worker: Sendable {
    /// The breaker's word on one market, as last heard.
    public struct MarketControl: Sendable, Equatable {
        public var level: BreakerLevel = .normal
        public var reason: BreakerReason = .initial
        public var sequence: UInt64 = 0
        public var stepScale: Rate = .one
        public var intervalScale: Rate = .one
        public var priceBand: Rate?
        public var maxStepFraction: Rate?
    }

    public let configuration: WorkerConfiguration
    public let node: NodeID
    let policy: any LiquidationPolicy
    public internal(set) var context: MarginContext
    /// Owned shards with the epoch they were assigned under.
    public internal(set) var shards: [Int: UInt64] = [:]
    /// Shards being loaded from the store (commands for them are refused meanwhile), with
    /// when the load was asked for: a load not answered within `loadRetryInterval` (the
    /// store was busy, say) is asked for again.
    public internal(set) var loading: Set<Int> = []
    var loadRequestedAt: [Int: Instant] = [:]
    static let loadRetryInterval = Duration.seconds(1)
    public internal(set) var epoch: UInt64 = 0
    public internal(set) var accounts: [AccountID: AccountRecord] = [:]
    public internal(set) var controls: [MarketID: MarketControl] = [:]
    /// True while the aggregator is silent and the worker throttles on its own.
    public internal(set) var failSafe = false
    var index = LiquidationIndex()
    /// Cross accounts holding several markets: their thresholds move with other marks.
    var multiMarket: [MarketID: Set<AccountID>] = [:]
    /// Accounts in an active liquidation or with a tranche in flight.
    var active: Set<AccountID> = []
    /// Accounts whose threshold a mark crossed without (yet) making them liquidatable
    /// (thresholds round toward the early side): re-checked on every tick of the market.
    var watch: [MarketID: Set<AccountID>] = [:]
    /// Accounts a mark released from `watch` that still wait to be indexed and evaluated:
    /// beyond `evaluationChunk` of them, the rest go a chunk per turn (a wake at once), so a
    /// worker that loaded a million accounts before its first mark keeps answering
    /// heartbeats instead of spending seconds in one handler.
    var indexBacklog: [AccountID] = []
    /// The next of `indexBacklog` to take (a cursor: no array shifted per chunk).
    var indexBacklogNext = 0
    var evaluationChunk = 20_000
    /// Accounts waiting in `indexBacklog`.
    public var pendingIndexing: Int { indexBacklog.count - indexBacklogNext }
    var timers = TimerQueue<AccountID>()
    /// Recent marks per market (oldest first), for the trend behind trend-aware grace.
    var markHistory: [MarketID: [(at: Instant, price: Price)]] = [:]
    /// Each market's projected mark, computed once per mark from `markHistory`.
    var projection: [MarketID: Price] = [:]
    /// Each market's `queuedFlowMove` over its grace window against a long and against a
    /// short, computed once per budget or depth summary (absent: no move).
    var queuedMoves: [MarketID: (long: Rate, short: Rate)] = [:]
    var lastControlAt: Instant?
    /// The latest cluster-wide liquidation budget per market (absent: none heard, none
    /// enforced).
    public internal(set) var budgets: [MarketID: Message.LiquidationBudget] = [:]
    /// Accounts with a tranche due that wait for the market's next budget.
    var awaitingBudget: [MarketID: Set<AccountID>] = [:]
    /// Accounts whose tranche was in our last demand report (the report the next budget is
    /// computed from), with the margin ratio reported: the cutoff applies to them; others
    /// wait for the next budget.
    var reportedDemand: [MarketID: [AccountID: Int64]] = [:]
    /// The same tranches in the order reported (worst first).
    var reportedOrder: [MarketID: [Message.LiquidationDemand.DueTranche]] = [:]
    var nextDemandAt: Instant = .zero
    /// The latest depth summary per market (tranches are planned at the expected fill).
    var books: [MarketID: Message.DepthSummary] = [:]
    var lastBudgetAt: Instant?
    var startedAt: Instant = .zero
    var nextHeartbeat: Instant = .zero
    /// Accounts with unacknowledged money messages, with when they were last sent.
    var lastSentAt: [AccountID: Instant] = [:]
    /// Tranche orders and bankruptcy notices waiting for their answer, with when sent.
    var inFlightSentAt: [TrancheID: Instant] = [:]
    var nextRetransmitScan: Instant = .zero
    /// Messages sent again because their answer did not come in time.
    public internal(set) var retransmissions = 0
    /// ADL rankings of this worker's candidates, per market and side, built on the first
    /// request after a mark and reused until the next (`onAdlRequest`).
    var adlRankings: [AdlRankingKey: AdlRanking] = [:]
    /// Accounts whose margin was evaluated, since start (metrics: per tick, from the
    /// difference across a mark's handler).
    public internal(set) var evaluations = 0
    /// Accounts with money messages not yet acknowledged by the aggregator.
    public var accountsAwaitingAcks: Int { lastSentAt.count }
    /// Tranches (and trades) at the venue not yet answered.
    public var ordersInFlight: Int { inFlightSentAt.count }
    /// Scopes whose due tranche waits for its market's budget.
    public var awaitingBudgetCount: Int { awaitingBudget.values.reduce(0) { $0 + $1.count } }

    public init(configuration: WorkerConfiguration, markets: [MarketSpec]) {
        self.configuration = configuration
        node = .worker(configuration.id)
        policy = configuration.policy.policy
        context = MarginContext(markets: markets, marks: [:])
        for m in markets { controls[m.id] = MarketControl() }
    }

    public var accountCount: Int { accounts.count }

    /// Registers with the coordinator and arms the heartbeat.
    public mutating func start(now: Instant) -> [RoleDirective] {
        startedAt = now
        nextHeartbeat = now + configuration.heartbeatInterval
        nextDemandAt = now + configuration.demandInterval
        return [send(.coordinator, .workerRegister(Message.WorkerRegister(workerID: configuration.id, clusterID: configuration.clusterID)), now),
                .wake(at: nextHeartbeat)]
    }

    public mutating func receive(_ envelope: Envelope, from sender: NodeID, now: Instant) -> [RoleDirective] {
        guard let input = Self.input(envelope), Self.authorized(input, from: sender) else { return [] }
        return finish(dispatch(envelope, from: sender, now: now), now: now)
    }

    /// What every handler's directives go through: money messages become reliable, and
    /// orders and notices are tracked until answered.
    mutating func finish(_ directives: [RoleDirective], now: Instant) -> [RoleDirective] {
        let out = makeReliable(directives, now: now)
        trackInFlight(out, now: now)
        return out
    }

    mutating func dispatch(_ envelope: Envelope, from sender: NodeID, now: Instant) -> [RoleDirective] {
        guard let input = Self.input(envelope) else { return [] }
        return handle(input, from: sender, now: now)
    }

    /// One input, from the peer that sent it.
    mutating func handle(_ input: Input, from sender: NodeID, now: Instant) -> [RoleDirective] {
        switch input {
        case .command(let envelope):
            return onCommand(envelope, now: now)
        case .listAccounts(let envelope):
            guard case .accountListRequest(let r) = envelope.body else { return [] }
            return [send(.coordinator, .accountList(listAccounts(r)), now, correlation: envelope.correlationID)]
        case .mark(let m):
            return onMark(m, now: now)
        case .depth(let d):
            if context.markets[d.market] != nil {
                books[d.market] = d
                updateQueuedMoves(d.market)
            }
            return []
        case .fill(let f):
            // Only the venue fills orders, and only what was ordered.
            guard sender == .venue else { return [] }
            if let problem = mismatch(f) {
                return [.event(ClusterEvent(at: now, kind: .rejected, account: f.tranche.account, market: f.tranche.market, tranche: f.tranche.sequence,
                                            detail: "venue answer not applied: \(problem)"))]
            }
            return onFill(f, now: now)
        case .assignment(let a):
            return onAssignment(a, now: now)
        case .breaker(let b):
            lastControlAt = now
            return onBreaker(b, now: now)
        case .fundState:
            lastControlAt = now
            leaveFailSafe()
            return []
        case .fundEvent(let e):
            lastControlAt = now
            return onFundEvent(e, now: now)
        case .decision(let d):
            lastControlAt = now
            return onBankruptcyDecision(d, now: now)
        case .adlRequest(let r):
            lastControlAt = now
            return onAdlRequest(r, now: now)
        case .adlInstruction(let i):
            lastControlAt = now
            return onAdlInstruction(i, now: now)
        case .budget(let b):
            lastControlAt = now
            return onBudget(b, now: now)
        case .deliveryAck(let a):
            guard sender == .aggregator else { return [] }
            return onDeliveryAck(a)
        }
    }

    /// Timers: due account re-evaluations, the heartbeat, the fail-safe check.
    public mutating func onWake(now: Instant) -> [RoleDirective] {
        finish(wake(now: now), now: now)
    }

    mutating func wake(now: Instant) -> [RoleDirective] {
        var out: [RoleDirective] = retransmit(now: now)
        if pendingIndexing > 0 {
            let end = min(indexBacklog.count, indexBacklogNext + evaluationChunk)
            let chunk = indexBacklog[indexBacklogNext..<end]
            indexBacklogNext = end
            for id in chunk { reindex(id) }
            for id in chunk { out += evaluate(id, now: now) }
            if pendingIndexing == 0 { indexBacklog = []; indexBacklogNext = 0 }
        }
        var due = Set<AccountID>()
        for id in timers.popDue(now) { due.insert(id) }
        for id in due.sorted() { out += evaluate(id, now: now) }
        // Demand follows each budget; on our own clock only while no budget is heard (at
        // start, or with the aggregator silent), so the aggregator learns we are here.
        if now >= nextDemandAt {
            if lastBudgetAt.map({ (now - $0).nanoseconds > 2 * configuration.demandInterval.nanoseconds }) ?? true {
                out.append(demandReport(now: now))
            }
            nextDemandAt = now + configuration.demandInterval
        }
        if now >= nextHeartbeat {
            out.append(send(.coordinator, .heartbeat(Message.Heartbeat(workerID: configuration.id, epoch: epoch, accounts: UInt64(accounts.count), at: now, clusterID: configuration.clusterID)), now))
            nextHeartbeat = now + configuration.heartbeatInterval
        }
        for s in loading.sorted() where now - (loadRequestedAt[s] ?? now) >= Self.loadRetryInterval {
            loadRequestedAt[s] = now
            out.append(.loadShard(shard: s, epoch: shards[s] ?? epoch))
        }
        let silentSince = lastControlAt ?? startedAt
        if !failSafe && now - silentSince > configuration.controlSilenceTimeout {
            out += enterFailSafe(now: now)
        }
        var next = min(nextHeartbeat, timers.next ?? nextHeartbeat, nextDemandAt)
        if !loading.isEmpty { next = min(next, now + Self.loadRetryInterval) }
        if pendingIndexing > 0 { next = now }
        out.append(.wake(at: max(next, now + Duration(nanoseconds: 1))))
        return out
    }

    /// The shell loaded a shard's records from the store.
    public mutating func onShardLoaded(shard: Int, epoch: UInt64, records: [AccountRecord], now: Instant) -> [RoleDirective] {
        finish(shardLoaded(shard: shard, epoch: epoch, records: records, now: now), now: now)
    }

    /// A part of a shard's records, more to come (the shell hands a big shard over in
    /// chunks so that heartbeats and other work go on): adopted at once; commands for the
    /// shard still wait for the last part.
    public mutating func onShardRecords(shard: Int, epoch: UInt64, records: [AccountRecord], now: Instant) -> [RoleDirective] {
        guard loading.contains(shard), shards[shard] == epoch else { return [] }
        // Progress: not asked for again while parts arrive.
        loadRequestedAt[shard] = now
        return finish(adopt(records, now: now), now: now)
    }

    mutating func shardLoaded(shard: Int, epoch: UInt64, records: [AccountRecord], now: Instant) -> [RoleDirective] {
        guard loading.contains(shard), shards[shard] == epoch else { return [] }
        loading.remove(shard)
        loadRequestedAt[shard] = nil
        var out = adopt(records, now: now)
        // The coordinator (and `status`) learn at once that the shard serves.
        if loading.isEmpty {
            out.append(send(.coordinator, .heartbeat(Message.Heartbeat(workerID: configuration.id, epoch: epoch, accounts: UInt64(accounts.count), at: now, clusterID: configuration.clusterID)), now))
        }
        return out
    }

    /// Takes loaded records over: indexes them, resumes what their previous owner left in
    /// flight or undelivered, evaluates them.
    mutating func adopt(_ records: [AccountRecord], now: Instant) -> [RoleDirective] {
        var out: [RoleDirective] = []
        adlRankings.removeAll()
        for rec in records.sorted(by: { $0.account.id < $1.account.id }) {
            accounts[rec.account.id] = rec
            reindex(rec.account.id)
            // What the previous owner may not have delivered: the aggregator applies each
            // sequence once, so sending it again is safe.
            if !rec.outbox.isEmpty {
                out += outboxMessages(rec, now: now)
                lastSentAt[rec.account.id] = now
            }
            // Resume what the previous owner left in flight, under the same tranche ids:
            // the venue answers a repeated id with the original fill, never a second one.
            for f in rec.inFlight {
                // Watched for an answer, even when nothing can be sent for it now.
                inFlightSentAt[f.id] = now
                if f.awaitingDecision {
                    out += bankruptcyNotice(rec, f, now: now)
                } else {
                    out.append(send(.venue, .trancheOrder(order(f, size: f.size)), now))
                }
            }
            // A client's trade the previous owner sent: the same order again; its answer
            // completes it (the client, long answered TIMEOUT, retries and finds it applied).
            if let t = rec.pendingTrade {
                inFlightSentAt[t.id] = now
                out.append(send(.venue, .trancheOrder(tradeOrder(t)), now))
            }
            // Only what can need it: an account in a liquidation, or one whose liquidation
            // price the current mark has reached (the index, just rebuilt, says which); the
            // rest wait for a mark to cross their threshold like every other account.
            if rec.isActive || pastThreshold(rec) { out += evaluate(rec.account.id, now: now) }
        }
        return out
    }

    /// Whether the current marks are at or beyond any of the account's liquidation
    /// thresholds (or a threshold cannot be known yet).
    func pastThreshold(_ rec: AccountRecord) -> Bool {
        for p in rec.account.positions {
            guard let mark = context.marks[p.market] else { return true }
            guard let t = index.threshold(LiquidationIndex.Key(account: rec.account.id, market: p.market)) else { continue }
            if p.size.e8 > 0 ? mark <= t : mark >= t { return true }
        }
        return false
    }

    // MARK: - Marks, breaker, fail safe

    mutating func onMark(_ m: Message.MarkPrice, now: Instant) -> [RoleDirective] {
        guard context.markets[m.market] != nil else { return [] }
        let old = context.marks[m.market]
        context.setMark(m.price, for: m.market)
        // Every candidate's score moves with the marks (cross equity spans markets).
        adlRankings.removeAll()
        var history = markHistory[m.market] ?? []
        history.append((now, m.price))
        let keep = context.markets[m.market]!.liquidation.graceWindow
        while history.count > 2, now - history[1].at >= keep { history.removeFirst() }
        markHistory[m.market] = history
        projection[m.market] = projectedMark(m.market)
        // Accounts watched because a mark was missing when they were indexed (loaded before
        // any mark, say): their thresholds can be computed now. Without this they would stay
        // out of the index, and no later mark would find them.
        var watched = (watch.removeValue(forKey: m.market) ?? []).sorted()
        if watched.count > evaluationChunk {
            indexBacklog += watched[evaluationChunk...]
            watched = Array(watched.prefix(evaluationChunk))
        }
        for id in watched { reindex(id) }
        var candidates = Set(index.crossed(market: m.market, from: old, to: m.price).map(\.account))
        candidates.formUnion(active)
        candidates.formUnion(watched)
        if let multi = multiMarket[m.market] {
            for id in multi { reindex(id) }
            candidates.formUnion(multi)
        }
        var out: [RoleDirective] = []
        for id in candidates.sorted() {
            out += Self.stamped(evaluate(id, now: now), by: m)
            // Still past a threshold without being liquidatable (rounding): keep watching.
            if !active.contains(id), let rec = accounts[id], let p = rec.account.position(in: m.market),
               let t = index.threshold(LiquidationIndex.Key(account: id, market: m.market)),
               p.size.e8 > 0 ? m.price <= t : m.price >= t {
                watch[m.market, default: []].insert(id)
            }
        }
        // The rest of a large backlog goes on the next turns.
        if pendingIndexing > 0 { out.append(.wake(at: now)) }
        return out
    }

    /// The tranche orders among `directives` carry the mark whose handling sent them, so
    /// the venue can measure tick → order.
    static func stamped(_ directives: [RoleDirective], by m: Message.MarkPrice) -> [RoleDirective] {
        // Most evaluations send no order: nothing to rebuild.
        guard directives.contains(where: { if case .send(_, let e) = $0, case .trancheOrder = e.body { return true } else { return false } }) else {
            return directives
        }
        return directives.map { d in
            guard case .send(let to, var envelope) = d, case .trancheOrder(var o) = envelope.body else { return d }
            o.markSequence = m.sequence
            o.markAt = m.at
            envelope.body = .trancheOrder(o)
            return .send(to: to, envelope)
        }
    }

    mutating func onBreaker(_ b: Message.BreakerState, now: Instant) -> [RoleDirective] {
        guard context.markets[b.market] != nil else { return [] }
        leaveFailSafe()
        var out: [RoleDirective] = []
        let current = controls[b.market] ?? MarketControl()
        if b.sequence < current.sequence { return out }  // older than what we have (a re-broadcast of the same state is applied: it ends a fail safe)
        controls[b.market] = MarketControl(level: b.level, reason: b.reason, sequence: b.sequence, stepScale: b.stepScale,
                                           intervalScale: b.intervalScale, priceBand: b.priceBand, maxStepFraction: b.maxStepFraction)
        if controls[b.market] != current {
            for id in active.sorted() where accounts[id]?.account.position(in: b.market) != nil { out += evaluate(id, now: now) }
        }
        return out
    }

    mutating func enterFailSafe(now: Instant) -> [RoleDirective] {
        failSafe = true
        // The queue the last budgets described is unknown now: no projected move from it
        // until the next budget says what is queued.
        queuedMoves.removeAll()
        var out: [RoleDirective] = []
        for m in controls.keys.sorted() where controls[m]!.level == .normal {
            controls[m]!.level = .throttled
            controls[m]!.reason = .controlSilent
            controls[m]!.stepScale = configuration.failSafeStepScale
            controls[m]!.intervalScale = configuration.failSafeIntervalScale
            out.append(.event(ClusterEvent(at: now, kind: .breaker, market: m, detail: "normal → throttled (controlSilent: no word from the aggregator; fail safe)")))
        }
        return out
    }

    /// The aggregator is heard again. Its next state per market replaces the fail-safe
    /// one; until then the markets stay throttled (never less safe than before).
    mutating func leaveFailSafe() { failSafe = false }

    func marketControls(for scope: MarginScope, _ account: Account) -> LiquidationControls {
        let positions = account.positions(in: scope)
        guard !positions.isEmpty else { return .normal }
        let market = positions.count == 1 ? positions[0].market
            : ((try? StepwisePolicy.liquidationOrder(positions, context))?.first?.market ?? positions[0].market)
        let c = controls[market] ?? MarketControl()
        // The trend and the queued flow only shape a policy with a grace window and partial
        // targets (stepwise).
        let projected = policy.usesGraceWindow ? projectedMarks(for: positions) : nil
        // The adverse relative move projected for the first position to reduce.
        var trendBuffer = Rate.zero
        if let first = positions.first(where: { $0.market == market }), let mark = context.marks[market], mark.e8 > 0, let proj = projected?[market] {
            let move = first.size.e8 > 0 ? mark.e8 - proj.e8 : proj.e8 - mark.e8
            if move > 0 { trendBuffer = Rate(ppm: Int64(Int128(move) * Int128(Precision.rateScale) / Int128(mark.e8))) }
        }
        // The side a tranche of the first position would hit: bids for a long's sale.
        var book: PlanAdjustments.BookAtHand?
        if let first = positions.first(where: { $0.market == market }), let d = books[market] {
            let sells = first.size.e8 > 0
            if let best = sells ? d.bestBid : d.bestAsk {
                book = PlanAdjustments.BookAtHand(best: best, depthInBand: sells ? d.bidDepthInBand : d.askDepthInBand, band: d.band)
            }
        }
        return LiquidationControls(breaker: c.level, intervalScale: c.intervalScale,
                                   adjustments: PlanAdjustments(stepScale: c.stepScale, maxStepFraction: c.maxStepFraction, priceBand: c.priceBand,
                                                                trendBuffer: trendBuffer, book: book),
                                   projectedMarks: projected,
                                   budget: budgetAdmission(account, scope, market: market))
    }

    /// The marks projected to the end of each position's grace window: extrapolated
    /// linearly from the trend of the marks seen during the last grace window (the mark
    /// itself without enough history), then moved against the position by what the
    /// cluster's own queued liquidation flow will do to the book by then
    /// (`queuedFlowMove`). Nil when neither is known for any position.
    func projectedMarks(for positions: [Position]) -> [MarketID: Price]? {
        var out: [MarketID: Price] = [:]
        for p in positions {
            guard let mark = context.marks[p.market] else { continue }
            let long = p.size.e8 > 0
            let move = queuedMoves[p.market].map { long ? $0.long : $0.short } ?? .zero
            guard let base = projection[p.market] ?? (move.ppm > 0 ? mark : nil) else { continue }
            guard move.ppm > 0 else { out[p.market] = base; continue }
            // Rounded against the position (lower for a long, higher for a short).
            let product = Int128(base.e8) * Int128(move.ppm), scale = Int128(Precision.rateScale)
            let shift = Int64(long ? (product + scale - 1) / scale : product / scale)  // < base: the move is below one
            out[p.market] = Price(e8: max(long ? base.e8 - shift : base.e8 + shift, 1))
        }
        return out.isEmpty ? nil : out
    }

    /// Recomputes `queuedMoves` of `market` over its grace window (on a budget or a depth
    /// summary: the only inputs of `queuedFlowMove`).
    mutating func updateQueuedMoves(_ market: MarketID) {
        guard let grace = context.markets[market]?.liquidation.graceWindow else { return }
        let long = queuedFlowMove(market, long: true, horizon: grace), short = queuedFlowMove(market, long: false, horizon: grace)
        if long.ppm > 0 || short.ppm > 0 { queuedMoves[market] = (long, short) } else { queuedMoves[market] = nil }
    }

    /// The relative move (against a long: down; against a short: up) that the cluster's
    /// queued liquidation flow will cause within `horizon`: the expected flow on the side
    /// that hits this position's book side (sells for a long, buys for a short; the latest
    /// budget's, cluster-wide), as much of it as the budget's rate sends within the
    /// horizon, walked through the depth resting inside the band of the latest depth
    /// summary (spread evenly, so the band's depth moves the touch by the band), and at
    /// most the band (past it the depth is unknown). Zero without a budget or a book.
    /// A scope that would be below its hard floor once that flow has gone gets no grace
    /// window (waiting would put it behind the flow the queue is about to send), and the
    /// stepwise target rises by the move (restore enough to stay restored).
    func queuedFlowMove(_ market: MarketID, long: Bool, horizon: Duration) -> Rate {
        guard let b = budgets[market], let d = books[market] else { return .zero }
        let queued = long ? b.sellFlow.e6 : b.buyFlow.e6
        let depth = long ? d.bidDepthInBand.e6 : d.askDepthInBand.e6
        guard queued > 0, depth > 0, d.band.ppm > 0, horizon.nanoseconds > 0 else { return .zero }
        let sent = Int128(max(b.ratePerSecond.e6, 0)) * Int128(horizon.nanoseconds) / 1_000_000_000
        let flow = min(Int128(queued), sent)
        let ppm = min(flow * Int128(d.band.ppm) / Int128(depth), Int128(d.band.ppm))
        return Rate(ppm: Int64(ppm))
    }

    /// The mark of `market` extrapolated over its grace window (see `projectedMarks`), from
    /// the marks of its history; nil without enough history.
    func projectedMark(_ market: MarketID) -> Price? {
        // A trend needs history: at least half the grace window of marks (a single jump
        // seen a moment ago is not a trend to extrapolate).
        guard let h = markHistory[market], h.count >= 2, let first = h.first, let last = h.last,
              let grace = context.markets[market]?.liquidation.graceWindow,
              (last.at - first.at).nanoseconds * 2 >= grace.nanoseconds, last.at > first.at else { return nil }
        let slope = Double(last.price.e8 - first.price.e8) / Double((last.at - first.at).nanoseconds)
        let projected = Double(last.price.e8) + slope * Double(grace.nanoseconds)
        return Price(e8: max(Int64(projected), 1))
    }

    // MARK: - Index

    /// Recomputes an account's thresholds (after any change to it).
    mutating func reindex(_ id: AccountID) {
        for m in context.markets.keys { index.remove(LiquidationIndex.Key(account: id, market: m)) }
        for m in context.markets.keys { multiMarket[m]?.remove(id) }
        guard let rec = accounts[id], !rec.account.positions.isEmpty else { return }
        let crossMarkets = rec.account.positions(in: .cross).map(\.market)
        if crossMarkets.count > 1 { for m in crossMarkets { multiMarket[m, default: []].insert(id) } }
        guard let metrics = try? MarginCalculator.metrics(rec.account, context) else {
            // Some mark is not known yet: no threshold can be computed, so watch every market.
            for p in rec.account.positions { watch[p.market, default: []].insert(id) }
            return
        }
        for p in metrics.positions {
            // Widened by 10 ppm: integer rounding of requirements and PnL can leave a scope
            // liquidatable a few quantums past the real-number root; the index must not miss it.
            let widened = p.liquidationPrice.map { l in Price(e8: p.position.side == .long ? l.e8 + l.e8 / 100_000 + 1 : max(l.e8 - l.e8 / 100_000 - 1, 1)) }
            index.set(LiquidationIndex.Key(account: id, market: p.position.market), side: p.position.side, liquidationPrice: widened)
        }
    }

    /// Scopes liquidatable at the current marks, by scanning every account (the index's
    /// reference; used by tests and `status --verify`).
    public func liquidatableByFullScan() -> Set<AccountID> {
        var out = Set<AccountID>()
        for (id, rec) in accounts {
            for scope in rec.account.scopes {
                if let m = try? MarginCalculator.scopeMetrics(rec.account, scope, context), m.isLiquidatable { out.insert(id) }
            }
        }
        return out
    }

    /// Accounts the worker is liquidating or has called (what the index path found).
    public var activeAccounts: Set<AccountID> { active }

    // MARK: - Helpers

    func send(_ to: NodeID, _ body: MessageBody, _ now: Instant, correlation: UInt64 = 0) -> RoleDirective {
        .send(to: to, Envelope(correlationID: correlation, sender: node.description, sentAt: now, body: body))
    }

    func shard(of id: AccountID) -> Int { ShardMath.shard(of: id, shardCount: configuration.shardCount) }

    /// We hold the account's record under a shard assigned to us (loaded, or being loaded
    /// in chunks): its messages, answers and liquidation are ours to handle. Client
    /// commands wait for `owns` (the whole shard loaded).
    func holds(_ id: AccountID) -> Bool {
        accounts[id] != nil && shards[shard(of: id)] != nil
    }

    func owns(_ id: AccountID) -> Bool {
        let s = shard(of: id)
        return shards[s] != nil && !loading.contains(s)
    }

    mutating func persist(_ id: AccountID) -> [RoleDirective] {
        guard let rec = accounts[id], let e = shards[shard(of: id)] else { return [] }
        if rec.isActive { active.insert(id) } else { active.remove(id) }
        adlChanged(id)
        // Stamped with the epoch the shard was loaded under, never a later one: a former
        // owner's write must stay below the fence its successor set.
        return [.persist(shard: shard(of: id), epoch: e, record: rec)]
    }

    func order(_ f: InFlightTranche, size: Size) -> Message.TrancheOrder {
        Message.TrancheOrder(tranche: f.id, side: f.orderSide, size: size, limitPrice: f.limitPrice, markPrice: f.markPrice,
                             epoch: epoch, shard: UInt32(shard(of: f.id.account)))
    }
}

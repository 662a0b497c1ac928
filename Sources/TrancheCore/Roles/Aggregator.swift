/// Settings of the aggregator.
public struct AggregatorConfiguration: Sendable, Codable, Equatable {
    /// Seed capital of the insurance fund, deposited at start if the ledger is empty.
    public var fundInitialBalance: Quote = .zero
    /// The fund never pays below this balance.
    public var fundFloor: Quote = .zero
    /// Interval at which breaker and fund states are re-broadcast (the workers' proof of
    /// life of the control channel).
    public var controlInterval: Duration = .seconds(1)
    /// Time the aggregator waits for workers' ADL candidates before picking.
    public var adlCollectWindow: Duration = .milliseconds(20)
    /// Ledger entries kept in memory for `tranche fund`.
    public var retainedLedgerEntries: Int = 1_000
    /// The cluster-wide liquidation budget.
    public var budget: LiquidationBudgetConfiguration = .init()
    /// Share of the depth left in the band one backstop unwind may take. In (0, 1].
    public var backstopDepthShare: Rate = Rate(ppm: 500_000)

    public init() {}

    public func validate(field: String = "aggregator") throws(ConfigurationError) {
        if fundInitialBalance.isNegative { throw ConfigurationError(field: "\(field).fundInitialBalance", reason: "must not be negative") }
        if fundFloor.isNegative { throw ConfigurationError(field: "\(field).fundFloor", reason: "must not be negative") }
        if controlInterval.nanoseconds <= 0 { throw ConfigurationError(field: "\(field).controlInterval", reason: "must be positive") }
        if adlCollectWindow.nanoseconds <= 0 { throw ConfigurationError(field: "\(field).adlCollectWindow", reason: "must be positive") }
        if retainedLedgerEntries < 0 { throw ConfigurationError(field: "\(field).retainedLedgerEntries", reason: "must not be negative") }
        try budget.validate(field: "\(field).budget")
        if backstopDepthShare.ppm <= 0 || backstopDepthShare.ppm > Precision.rateScale { throw ConfigurationError(field: "\(field).backstopDepthShare", reason: "must be in (0, 1]") }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case fundInitialBalance, fundFloor, controlInterval, adlCollectWindow, retainedLedgerEntries, budget, backstopDepthShare }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AggregatorConfiguration()
        fundInitialBalance = try c.decode(.fundInitialBalance, default: d.fundInitialBalance)
        fundFloor = try c.decode(.fundFloor, default: d.fundFloor)
        controlInterval = try c.decode(.controlInterval, default: d.controlInterval)
        adlCollectWindow = try c.decode(.adlCollectWindow, default: d.adlCollectWindow)
        retainedLedgerEntries = try c.decode(.retainedLedgerEntries, default: d.retainedLedgerEntries)
        budget = try c.decode(.budget, default: d.budget)
        backstopDepthShare = try c.decode(.backstopDepthShare, default: d.backstopDepthShare)
    }
}

/// What the aggregator needs to know about one market.
public struct AggregatorMarket: Sendable {
    public var spec: MarketSpec
    public var breaker: BreakerParameters
    public var recalibration: RecalibrationParameters?
    public init(spec: MarketSpec, breaker: BreakerParameters = .init(), recalibration: RecalibrationParameters? = nil) {
        self.spec = spec
        self.breaker = breaker
        self.recalibration = recalibration
    }
}

/// The aggregator: sees every money movement cluster-wide and keeps the double-entry
/// ledger (insurance fund included); runs the cascade breaker per market, recalibrated
/// from volatility and depth, and broadcasts its state; decides how bankrupt positions
/// close (book with the fund behind it, or auto-deleveraging when the fund cannot pay),
/// picking ADL counterparties globally; runs the backstop that takes over positions the
/// book cannot fill and unwinds them. A pure state machine.
public struct Aggregator: Sendable {
    public struct Statistics: Sendable, Equatable {
        public var deficits: Quote = .zero
        public var uncoveredDeficit: Quote = .zero
        public var adlMatches = 0
        public var takeovers = 0
        /// Realised result of the backstop (takeovers netted and unwinds), swept into the fund.
        public var backstopResult: Quote = .zero
        public var breakerTrips = 0
        /// Notional filled by traders' tranches, at fill prices.
        public var liquidatedNotional: Quote = .zero
        /// Σ notional × slippage (bps) and Σ notional, as doubles (statistics).
        public var slippageWeighted: Double = 0
        public var slippageNotional: Double = 0
        /// Fill VWAP against the mark at order time, notional-weighted, in bps (worse = positive);
        /// traders' tranches and the backstop's unwinds.
        public var averageSlippageBps: Double { slippageNotional > 0 ? slippageWeighted / slippageNotional : 0 }
        /// Notional the backstop unwound into the book, at fill prices.
        public var backstopUnwoundNotional: Quote = .zero
        /// Remaining margin kept from taken-over traders (clearance fees, into the fund).
        public var clearanceFees: Quote = .zero
        /// The backstop's loss from the mark moving while it held inventory (mark at
        /// takeover → mark when the unwind was sent; negative: a gain), and its execution
        /// cost (mark at order → fill price). Their sum is its realised trading result.
        public var backstopInventoryLoss: Quote = .zero
        public var backstopExecutionCost: Quote = .zero
        /// Backstop inventory closed by auto-deleveraging (notional at the mark), and the
        /// loss those closes realised (entry → ADL price, which keeps the fund at its floor).
        public var backstopDeleveraged: Quote = .zero
        public var backstopDeleverageLoss: Quote = .zero
        /// What auto-deleveraged counterparties gave up against the mark (closing at the
        /// bankruptcy or ADL price): losses the liquidated side did not cover, borne by
        /// them instead of the fund. `backstopHaircut` is the part from the backstop's ADL.
        public var adlHaircut: Quote = .zero
        public var backstopHaircut: Quote = .zero
        /// Bankrupt traders' positions closed by auto-deleveraging (notional at the mark).
        public var tradersDeleveraged: Quote = .zero
    }

    struct ADLRound: Sendable {
        var notice: Message.BankruptcyNotice
        var candidates: [Message.AdlCandidate]
        var deadline: Instant
    }

    public let configuration: AggregatorConfiguration
    public private(set) var ledger: Ledger
    public private(set) var backstop = Account(id: Backstop.accountID)
    public private(set) var breakers: [MarketID: CascadeBreaker] = [:]
    public private(set) var calibrated: [MarketID: CalibratedThresholds] = [:]
    public private(set) var statistics = Statistics()
    let markets: [MarketID: AggregatorMarket]
    var context: MarginContext
    var volatility: [MarketID: EWMAVolatility] = [:]
    var recalibrators: [MarketID: Recalibrator] = [:]
    /// Fund amounts promised to bankrupt closes sent to the book, by tranche.
    var reserved: [TrancheID: Quote] = [:]
    var rounds: [UInt64: ADLRound] = [:]
    var nextRequest: UInt64 = 1
    var fundSequence: UInt64 = 0
    var nextControl: Instant = .zero
    var backstopInFlight: [MarketID: TrancheID] = [:]
    var backstopNextAt: [MarketID: Instant] = [:]
    var backstopSequence: UInt64 = 1
    /// Mark at order of the backstop's unwinds in flight (slippage and the loss split).
    var backstopOrderMark: [TrancheID: Price] = [:]
    /// What is left of the backstop's share of each market's budget.
    var backstopGrant: [MarketID: Int64] = [:]
    /// Latest depth summary per market (the budget's and the unwinds' input).
    var depths: [MarketID: Message.DepthSummary] = [:]
    /// Latest demand per market and worker (the authenticated sender), with when it came:
    /// the backlog, the expected flow to sell and to buy, and the tranches due, worst first.
    var demands: [MarketID: [String: (backlog: Int64, sellFlow: Int64, buyFlow: Int64, tranches: [Message.LiquidationDemand.DueTranche], truncated: Bool, at: Instant)]] = [:]
    /// Recent marks per market for the trend, and the budget's volatility estimate.
    var markTrail: [MarketID: [(at: Instant, price: Price)]] = [:]
    var budgetVolatility: [MarketID: EWMAVolatility] = [:]
    var budgetSequence: UInt64 = 0
    var nextBudgetAt: Instant = .zero
    /// ADL rounds that deleverage the backstop's inventory (no worker account behind them).
    var backstopRounds: Set<UInt64> = []
    /// No new backstop ADL round before this: the last round's instructions must have
    /// reached the counterparties before their positions are asked for again, and a round
    /// that found no counterparty is not repeated at once.
    var backstopAdlNotBefore: Instant = .zero
    /// The last backstop ADL round found no counterparty: until the next round, unwinds
    /// may realise losses the fund cannot pay (nobody is left to deleverage).
    var backstopAdlFoundNone = false

    public init(configuration: AggregatorConfiguration, markets: [AggregatorMarket], now: Instant) throws(ConfigurationError) {
        self.configuration = configuration
        ledger = Ledger(retainedEntries: configuration.retainedLedgerEntries)
        self.markets = Dictionary(markets.map { ($0.spec.id, $0) }, uniquingKeysWith: { a, _ in a })
        context = MarginContext(markets: markets.map(\.spec), marks: [:])
        for m in markets {
            breakers[m.spec.id] = try CascadeBreaker(market: m.spec.id, parameters: m.breaker, now: now)
            if let r = m.recalibration {
                recalibrators[m.spec.id] = try Recalibrator(parameters: r)
                volatility[m.spec.id] = try EWMAVolatility(halfLife: r.volatilityHalfLife, initialVolatility: r.referenceVolatility)
            }
            budgetVolatility[m.spec.id] = try EWMAVolatility(halfLife: configuration.budget.volatilityHalfLife)
        }
    }

    /// Per account, the last sequence of its reliable stream applied (each applied once,
    /// in order); durable with the ledger.
    public private(set) var delivered: [AccountID: UInt64] = [:]
    /// Per account, the deficit the fund has covered so far (cumulative; carried by every
    /// ack, so the worker settles it exactly once whatever is lost); durable with the ledger.
    public private(set) var coveredDeficits: [AccountID: Quote] = [:]
    /// Accounts whose `delivered` changed since the shell last made it durable.
    var deliveredChanged: Set<AccountID> = []
    /// Reliable messages received again (already applied: acknowledged, not applied).
    public private(set) var duplicatesIgnored = 0
    /// Recent bankruptcy decisions by tranche (at most `rememberedDecisions`), so a notice
    /// sent again (the decision was lost) gets the same answer.
    var decisions: [TrancheID: Message.BankruptcyDecision] = [:]
    /// ADL instructions sent and not yet applied, by (round, account), with when last sent:
    /// sent again every control interval until the worker says it applied them; durable.
    public private(set) var pendingAdl: [AdlKey: (instruction: Message.AdlInstruction, sentAt: Instant)] = [:]
    var pendingAdlChanged = false

    public struct AdlKey: Hashable, Sendable, Comparable {
        public var requestID: UInt64
        public var account: AccountID
        public static func < (a: Self, b: Self) -> Bool { (a.requestID, a.account) < (b.requestID, b.account) }
    }

    /// The ADL instructions not yet applied, for the store (nil when unchanged since the
    /// last call).
    public mutating func takePendingAdlChange() -> [Message.AdlInstruction]? {
        guard pendingAdlChanged else { return nil }
        pendingAdlChanged = false
        return pendingAdl.keys.sorted().map { pendingAdl[$0]!.instruction }
    }

    /// Publishes an ADL instruction and keeps it until it is applied.
    mutating func instruct(_ i: Message.AdlInstruction, now: Instant) -> RoleDirective {
        pendingAdl[AdlKey(requestID: i.requestID, account: i.account)] = (i, now)
        pendingAdlChanged = true
        return .publish(.control, envelope(.adlInstruction(i), now))
    }

    /// Sends again the instructions not applied within a control interval.
    mutating func resendAdl(now: Instant) -> [RoleDirective] {
        var out: [RoleDirective] = []
        for k in pendingAdl.keys.sorted() where now - pendingAdl[k]!.sentAt >= configuration.controlInterval {
            pendingAdl[k]!.sentAt = now
            out.append(.publish(.control, envelope(.adlInstruction(pendingAdl[k]!.instruction), now)))
            if out.count >= 4_096 { break }
        }
        return out
    }
    var decisionOrder: [TrancheID] = []
    static let rememberedDecisions = 4_096

    public var fundBalance: Quote { ledger.balance(.insuranceFund) }

    /// What the shell must make durable after a handler (before any message it produced
    /// leaves): the accounts whose delivery sequence moved, with the sequence. Clears them.
    public mutating func takeDeliveredChanges() -> [(AccountID, UInt64, Quote)] {
        defer { deliveredChanged.removeAll(keepingCapacity: true) }
        return deliveredChanged.sorted().map { ($0, delivered[$0] ?? 0, coveredDeficits[$0] ?? .zero) }
    }

    /// Keeps every ledger entry posted until `takeJournal()` (the processes' store path).
    public mutating func enableJournal() { ledger.journaling = true }

    /// The ledger entries posted since the last call, for the store.
    public mutating func takeJournal() -> [LedgerEntry] { ledger.takeJournal() }

    /// Counters that must survive a restart so ids are never reused.
    public var durableCounters: (backstopSequence: UInt64, nextRequest: UInt64) { (backstopSequence, nextRequest) }

    /// Seeds the fund (first start only) and broadcasts the initial control state.
    public mutating func start(now: Instant) -> [RoleDirective] {
        if ledger.entryCount == 0 && configuration.fundInitialBalance.isPositive {
            _ = try? ledger.post(LedgerTransfer(from: .external, to: .insuranceFund, amount: configuration.fundInitialBalance, reason: .fundSeed), at: now)
        }
        nextControl = now + configuration.controlInterval
        nextBudgetAt = now + configuration.budget.interval
        return controlBroadcast(now: now) + [.wake(at: min(nextControl, nextBudgetAt))]
    }

    /// Restores the ledger and backstop from the store (the processes' restart path).
    /// The backstop's positions at the last marks (`tranche backstop`).
    public func backstopView() -> [Message.BackstopPositionView] {
        backstop.positions.sorted { $0.market < $1.market }.map { p in
            let mark = context.marks[p.market]
            return Message.BackstopPositionView(market: p.market, size: p.size, entryPrice: p.entryPrice, markPrice: mark,
                                                unrealisedPnl: mark.flatMap { try? p.unrealisedPnl(at: $0) } ?? .zero)
        }
    }

    /// Every market's breaker as a restart must resume it.
    public var breakerSnapshots: [CascadeBreaker.Snapshot] { breakers.keys.sorted().map { breakers[$0]!.snapshot } }

    public mutating func restore(ledger: Ledger, backstop: Account, delivered: [AccountID: UInt64] = [:], coveredDeficits: [AccountID: Quote] = [:],
                                 pendingAdl: [Message.AdlInstruction] = [], backstopSequence: UInt64 = 1, nextRequest: UInt64 = 1,
                                 breakers snapshots: [CascadeBreaker.Snapshot] = []) {
        for s in snapshots { breakers[s.market]?.restore(s) }
        // Sent again at the first control interval.
        for i in pendingAdl { self.pendingAdl[AdlKey(requestID: i.requestID, account: i.account)] = (i, .zero) }
        self.coveredDeficits = coveredDeficits
        let journaling = self.ledger.journaling
        self.ledger = ledger
        self.ledger.journaling = journaling
        self.backstop = backstop
        self.delivered = delivered
        self.backstopSequence = max(self.backstopSequence, backstopSequence)
        self.nextRequest = max(self.nextRequest, nextRequest)
    }

    public mutating func receive(_ envelope: Envelope, from sender: NodeID, now: Instant) -> [RoleDirective] {
        guard let input = Self.input(envelope.body), Self.authorized(input, from: sender) else { return [] }
        guard let d = envelope.delivery else { return dispatch(envelope, from: sender, now: now) }
        // A reliable message: applied once, in its account's order, then acknowledged to
        // the worker that sent it. Only workers send them.
        guard case .worker = sender else { return [] }
        let applied = delivered[d.account] ?? 0
        if d.sequence <= applied {
            duplicatesIgnored += 1
            return [ack(d.account, applied, to: sender, now: now)]
        }
        // A gap: an earlier message was lost; the sender retransmits its outbox in order.
        guard d.sequence == applied + 1 else { return [] }
        delivered[d.account] = d.sequence
        deliveredChanged.insert(d.account)
        return dispatch(envelope, from: sender, now: now) + [ack(d.account, d.sequence, to: sender, now: now)]
    }

    func ack(_ account: AccountID, _ sequence: UInt64, to worker: NodeID, now: Instant) -> RoleDirective {
        .send(to: worker, envelope(.deliveryAck(Message.DeliveryAck(entries: [.init(account: account, sequence: sequence,
                                                                                    coveredDeficit: coveredDeficits[account] ?? .zero)], at: now)), now))
    }

    mutating func remember(_ d: Message.BankruptcyDecision) {
        if decisions.updateValue(d, forKey: d.tranche) == nil { decisionOrder.append(d.tranche) }
        if decisionOrder.count > Self.rememberedDecisions {
            let drop = decisionOrder.count - Self.rememberedDecisions
            for t in decisionOrder.prefix(drop) { decisions[t] = nil }
            decisionOrder.removeFirst(drop)
        }
    }

    mutating func dispatch(_ envelope: Envelope, from sender: NodeID, now: Instant) -> [RoleDirective] {
        guard let input = Self.input(envelope.body) else { return [] }
        switch input {
        case .posting(let p):
            do { try ledger.post(p.transfers, at: now) } catch {
                return [.event(ClusterEvent(at: now, kind: .rejected, detail: "ledger posting from \(sender) refused: \(error)"))]
            }
            return []
        case .fillReport(let r):
            return onFillReport(r, now: now)
        case .mark(let m):
            return onMark(m, now: now)
        case .depth(let d):
            return onDepth(d, now: now)
        case .bankruptcy(let n):
            return onBankruptcy(n, now: now)
        case .adlCandidates(let c):
            rounds[c.requestID]?.candidates += c.candidates
            return []
        case .takeover(let t):
            return onTakeover(t, now: now)
        case .backstopFill(let f):
            return onBackstopFill(f, now: now)
        case .fundQuery(let r):
            // As the wire contract says: 0 is the balance only; at most 1,000 entries.
            let entries = ledger.recentEntries.suffix(Int(min(r.maxEntries, 1_000))).map {
                Message.LedgerEntryView(sequence: $0.sequence, from: $0.from.description, to: $0.to.description, amount: $0.amount,
                                        reason: "\($0.reason)", account: $0.account, at: $0.at)
            }
            return [.send(to: sender, Envelope(correlationID: envelope.correlationID, sender: NodeID.aggregator.description, sentAt: now,
                                               body: .fundView(Message.FundView(balance: fundBalance, entries: Array(entries), backstop: backstopView()))))]
        case .event(let m):
            // Workers forward their events here; the aggregator's shell publishes them all.
            return [.event(m.event)]
        case .adlApplied(let a):
            if pendingAdl.removeValue(forKey: AdlKey(requestID: a.requestID, account: a.account)) != nil { pendingAdlChanged = true }
            return []
        case .demand(let d):
            // The worker is the authenticated sender, never a field it wrote.
            guard case .worker(let w) = sender else { return [] }
            for e in d.entries where markets[e.market] != nil {
                // Bounded: a list longer than workers may send is cut (and marked so).
                let cut = e.tranches.count > BudgetCutoff.maxReportedTranches
                let list = cut ? Array(e.tranches.prefix(BudgetCutoff.maxReportedTranches)) : e.tranches
                // The flow finishes the backlog: at most the backlog on both sides together.
                let backlog = max(e.backlog.e6, 0)
                let sell = min(max(e.sellFlow.e6, 0), backlog)
                let buy = min(max(e.buyFlow.e6, 0), backlog - sell)
                demands[e.market, default: [:]][w] = (backlog, sell, buy, list, e.truncated || cut, now)
            }
            return []
        }
    }

    public mutating func onWake(now: Instant) -> [RoleDirective] {
        var out: [RoleDirective] = []
        for id in rounds.keys.sorted() where rounds[id]!.deadline <= now { out += closeRound(id, now: now) }
        for m in breakers.keys.sorted() { out += transitions(breakers[m]!.evaluate(now: now), now: now) }
        if configuration.budget.enabled && now >= nextBudgetAt {
            out += publishBudgets(now: now)
            nextBudgetAt = now + configuration.budget.interval
        }
        out += unwindBackstop(now: now)
        if now >= nextControl {
            out += resendAdl(now: now)
            out += controlBroadcast(now: now)
            nextControl = now + configuration.controlInterval
        }
        var next = nextControl
        if configuration.budget.enabled { next = min(next, nextBudgetAt) }
        for r in rounds.values { next = min(next, r.deadline) }
        for (m, at) in backstopNextAt where backstopInFlight[m] == nil && backstop.position(in: m) != nil { next = min(next, at) }
        out.append(.wake(at: next))
        return out
    }

    // MARK: - Fills, deficits, breaker inputs

    mutating func onFillReport(_ r: Message.FillReport, now: Instant) -> [RoleDirective] {
        var out: [RoleDirective] = []
        if r.filledSize.isPositive, let notional = try? r.filledSize.notional(at: r.vwap, .down) {
            statistics.liquidatedNotional = Quote(e6: statistics.liquidatedNotional.e6 + notional.e6)
            recordSlippage(notional: notional, mark: r.markAtOrder, vwap: r.vwap, side: r.orderSide)
            if var b = breakers[r.tranche.market] {
                out += transitions(b.recordLiquidation(notional: notional, now: now), now: now)
                breakers[r.tranche.market] = b
            }
        }
        reserved[r.tranche] = nil
        if r.deficit.isPositive {
            statistics.deficits = Quote(e6: statistics.deficits.e6 + r.deficit.e6)
            let policy = InsuranceFundPolicy(floor: configuration.fundFloor)
            let (covered, uncovered) = (try? policy.cover(deficit: r.deficit, of: r.tranche.account, in: &ledger, at: now)) ?? (.zero, r.deficit)
            fundSequence += 1
            if covered.isPositive {
                let a = r.tranche.account
                coveredDeficits[a] = Quote(e6: (coveredDeficits[a]?.e6 ?? 0) &+ covered.e6)
                deliveredChanged.insert(a)
                out.append(publishFundEvent(.deficitCovered, account: r.tranche.account, market: r.tranche.market, amount: covered, tranche: r.tranche, now: now))
                out.append(.event(ClusterEvent(at: now, kind: .deficitCovered, account: r.tranche.account, market: r.tranche.market, amount: covered)))
            }
            if uncovered.isPositive {
                statistics.uncoveredDeficit = Quote(e6: statistics.uncoveredDeficit.e6 + uncovered.e6)
                out.append(publishFundEvent(.deficitUncovered, account: r.tranche.account, market: r.tranche.market, amount: uncovered, tranche: r.tranche, now: now))
                out.append(.event(ClusterEvent(at: now, kind: .deficitUncovered, account: r.tranche.account, market: r.tranche.market, amount: uncovered)))
            }
        }
        return out
    }

    /// Worse than the mark is positive: a sell below it, a buy above it (statistics).
    mutating func recordSlippage(notional: Quote, mark: Price, vwap: Price, side: Side) {
        let m = Double(mark.e8), v = Double(vwap.e8), n = Double(notional.e6)
        guard m > 0 else { return }
        let bps = (side == .short ? m - v : v - m) / m * 10_000
        statistics.slippageWeighted += n * bps
        statistics.slippageNotional += n
        if observing {
            if slippageObservations.count < Self.maxObservations { slippageObservations.append(bps) } else { droppedObservations += 1 }
        }
    }

    /// Each fill's slippage (bps) kept for the shell's histogram, only while `observing` (the
    /// process sets it; the simulator does not), at most `maxObservations` between takes.
    public var observing = false
    public private(set) var slippageObservations: [Double] = []
    public private(set) var droppedObservations = 0
    static var maxObservations: Int { 100_000 }

    /// The slippage observed since the last take.
    public mutating func takeSlippageObservations() -> [Double] {
        defer { slippageObservations.removeAll(keepingCapacity: true) }
        return slippageObservations
    }

    mutating func onMark(_ m: Message.MarkPrice, now: Instant) -> [RoleDirective] {
        guard var b = breakers[m.market] else { return [] }
        context.setMark(m.price, for: m.market)
        volatility[m.market]?.update(price: m.price, now: now)
        budgetVolatility[m.market]?.update(price: m.price, now: now)
        var trail = markTrail[m.market] ?? []
        trail.append((now, m.price))
        while trail.count > 2, now - trail[1].at >= configuration.budget.trendWindow { trail.removeFirst() }
        markTrail[m.market] = trail
        let out = transitions(b.recordMark(m.price, now: now), now: now)
        breakers[m.market] = b
        return out
    }

    mutating func onDepth(_ d: Message.DepthSummary, now: Instant) -> [RoleDirective] {
        if markets[d.market] != nil { depths[d.market] = d }
        guard let r = recalibrators[d.market], var b = breakers[d.market] else { return [] }
        // The side liquidations hit is unknown in advance: the thinner side governs.
        let depth = min(d.bidDepthInBand, d.askDepthInBand)
        let t = r.calibrate(volatility: volatility[d.market]?.volatility ?? r.parameters.referenceVolatility, depthInBand: depth)
        calibrated[d.market] = t
        // With the budget on, the breaker's capacity comes from the budget's measures.
        if configuration.budget.enabled { return [] }
        let out = transitions((try? b.setCapacity(t.breakerCapacity, now: now)) ?? [], now: now)
        breakers[d.market] = b
        return out
    }

    func breakerState(_ m: MarketID) -> Message.BreakerState? {
        guard let b = breakers[m] else { return nil }
        return Message.BreakerState(market: m, level: b.level, reason: b.reason, sequence: b.sequence, stepScale: b.stepScale,
                                    intervalScale: b.intervalScale, since: b.since,
                                    priceBand: calibrated[m]?.priceBand, maxStepFraction: calibrated[m]?.maxStepFraction)
    }

    mutating func transitions(_ ts: [BreakerTransition], now: Instant) -> [RoleDirective] {
        var out: [RoleDirective] = []
        for t in ts {
            if t.from < t.to { statistics.breakerTrips += 1 }
            out.append(.event(ClusterEvent(at: now, kind: .breaker, market: t.market,
                                           detail: "\(t.from.rawValue) → \(t.to.rawValue) (\(t.reason), sequence \(t.sequence))")))
            if let s = breakerState(t.market) { out.append(.publish(.control, envelope(.breakerState(s), now))) }
        }
        return out
    }

    func controlBroadcast(now: Instant) -> [RoleDirective] {
        var out: [RoleDirective] = breakers.keys.sorted().compactMap { m in breakerState(m).map { .publish(.control, envelope(.breakerState($0), now)) } }
        let policy = InsuranceFundPolicy(floor: configuration.fundFloor)
        out.append(.publish(.control, envelope(.fundState(Message.FundState(balance: fundBalance, available: policy.available(in: ledger),
                                                                           uncoveredDeficit: statistics.uncoveredDeficit, sequence: fundSequence, at: now)), now)))
        return out
    }

    func publishFundEvent(_ kind: Message.InsuranceFundEvent.Kind, account: AccountID?, market: MarketID?, amount: Quote, tranche: TrancheID?, now: Instant) -> RoleDirective {
        .publish(.control, envelope(.insuranceFundEvent(Message.InsuranceFundEvent(kind: kind, account: account, market: market, amount: amount,
                                                                                   balanceAfter: fundBalance, tranche: tranche, at: now)), now))
    }

    func envelope(_ body: MessageBody, _ now: Instant) -> Envelope {
        Envelope(sender: NodeID.aggregator.description, sentAt: now, body: body)
    }

    // MARK: - Bankruptcy and ADL

    /// Book (the fund can pay the expected deficit, which is then reserved) or ADL.
    mutating func onBankruptcy(_ n: Message.BankruptcyNotice, now: Instant) -> [RoleDirective] {
        // A notice sent again (its decision was lost, or the account changed owner): the
        // same answer, or nothing while its round is still collecting.
        if let d = decisions[n.tranche] { return [.publish(.control, envelope(.bankruptcyDecision(d), now))] }
        if rounds.values.contains(where: { $0.notice.tranche == n.tranche }) { return [] }
        let available = InsuranceFundPolicy(floor: configuration.fundFloor).available(in: ledger).e6 - reserved.values.reduce(0) { $0 + $1.e6 }
        if n.expectedDeficit.e6 <= available {
            reserved[n.tranche] = n.expectedDeficit
            let d = Message.BankruptcyDecision(tranche: n.tranche, adlSize: .zero, bookSize: n.size, at: now)
            remember(d)
            return [.publish(.control, envelope(.bankruptcyDecision(d), now))]
        }
        let id = nextRequest
        nextRequest += 1
        let deadline = now + configuration.adlCollectWindow
        rounds[id] = ADLRound(notice: n, candidates: [], deadline: deadline)
        return [.publish(.control, envelope(.adlCandidatesRequest(Message.AdlCandidatesRequest(requestID: id, market: n.tranche.market,
                                                                                             sideNeeded: n.positionSide.opposite, sizeNeeded: n.size)), now)),
                .wake(at: deadline)]
    }

    /// Picks counterparties globally (score, then notional, then account id: the order of
    /// `AutoDeleveraging.rank`), instructs them and the bankrupt account, and sends the
    /// unmatched rest to the book.
    mutating func closeRound(_ id: UInt64, now: Instant) -> [RoleDirective] {
        guard let round = rounds.removeValue(forKey: id) else { return [] }
        let n = round.notice
        let forBackstop = backstopRounds.remove(id) != nil
        let mark = context.marks[n.tranche.market] ?? n.markPrice
        let ranked = round.candidates.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            let na = (try? a.size.notional(at: mark, .up)) ?? .zero, nb = (try? b.size.notional(at: mark, .up)) ?? .zero
            if na != nb { return na > nb }
            return a.account < b.account
        }
        var left = n.size.e8
        var out: [RoleDirective] = []
        for c in ranked where left > 0 && c.account != n.tranche.account {
            let take = min(left, abs(c.size.e8))
            guard take > 0 else { continue }
            left -= take
            statistics.adlMatches += 1
            out.append(instruct(Message.AdlInstruction(requestID: id, account: c.account, market: n.tranche.market,
                                                       size: Size(e8: take), price: n.bankruptcyPrice, bankruptAccount: n.tranche.account), now: now))
        }
        var matched = Size(e8: n.size.e8 - left)
        // The counterparties' haircut: they close at the bankruptcy (or ADL) price instead of
        // the mark, bearing the loss the bankrupt side (or the fund) could not.
        let haircutPerUnit = n.positionSide == .long ? Int128(n.bankruptcyPrice.e8) - Int128(mark.e8) : Int128(mark.e8) - Int128(n.bankruptcyPrice.e8)
        let haircut = Quote(e6: Self.loss(perUnitE8: max(haircutPerUnit, 0), size: matched))
        if forBackstop {
            // The backstop's side is applied here: it closes what was matched at the price
            // that keeps the fund at its floor.
            let held = backstop.position(in: n.tranche.market).map { Size(e8: abs($0.size.e8)) } ?? .zero
            matched = min(matched, held)
            backstopAdlNotBefore = now + Duration(nanoseconds: configuration.controlInterval.nanoseconds * (matched.isPositive ? 1 : 10))
            backstopAdlFoundNone = !matched.isPositive
            guard matched.isPositive else { return out }
            if let p = backstop.position(in: n.tranche.market) {
                // The loss of the deleveraged inventory at the mark (entry → mark); the ADL
                // price's distance from the mark is the counterparties' haircut.
                let loss = Self.loss(holding: p, from: p.entryPrice, to: mark, size: matched)
                statistics.backstopDeleverageLoss = Quote(e6: statistics.backstopDeleverageLoss.e6 &+ loss)
                statistics.backstopHaircut = Quote(e6: statistics.backstopHaircut.e6 &+ haircut.e6)
            }
            statistics.adlHaircut = Quote(e6: statistics.adlHaircut.e6 &+ haircut.e6)
            do {
                let transfers = try Backstop.applyUnwindFill(&backstop, market: n.tranche.market, size: matched, price: n.bankruptcyPrice)
                try ledger.post(transfers, at: now)
                recordBackstop(transfers)
            } catch {
                return out + [.event(ClusterEvent(at: now, kind: .rejected, account: Backstop.accountID, market: n.tranche.market, detail: "backstop ADL failed: \(error)"))]
            }
            if let mark = context.marks[n.tranche.market], let nn = try? matched.notional(at: mark, .up) {
                statistics.backstopDeleveraged = Quote(e6: statistics.backstopDeleveraged.e6 &+ nn.e6)
            }
            out.append(.event(ClusterEvent(at: now, kind: .adl, account: Backstop.accountID, market: n.tranche.market, size: matched, price: n.bankruptcyPrice,
                                           detail: "backstop inventory deleveraged against \(out.count) counterparties")))
            return out
        }
        statistics.adlHaircut = Quote(e6: statistics.adlHaircut.e6 &+ haircut.e6)
        if matched.isPositive {
            if let nn = try? matched.notional(at: mark, .up) {
                statistics.tradersDeleveraged = Quote(e6: statistics.tradersDeleveraged.e6 &+ nn.e6)
            }
            out.append(instruct(Message.AdlInstruction(requestID: id, account: n.tranche.account, market: n.tranche.market,
                                                       size: matched, price: n.bankruptcyPrice, bankruptAccount: n.tranche.account), now: now))
            out.append(.event(ClusterEvent(at: now, kind: .adl, account: n.tranche.account, market: n.tranche.market, size: matched, price: n.bankruptcyPrice,
                                           detail: "bankrupt position deleveraged against \(out.count - 1) counterparties")))
        }
        let decision = Message.BankruptcyDecision(tranche: n.tranche, adlSize: matched, bookSize: Size(e8: left), at: now)
        remember(decision)
        out.append(.publish(.control, envelope(.bankruptcyDecision(decision), now)))
        return out
    }

    // MARK: - Backstop

    mutating func onTakeover(_ t: Message.TakeoverNotice, now: Instant) -> [RoleDirective] {
        statistics.takeovers += 1
        statistics.clearanceFees = Quote(e6: statistics.clearanceFees.e6 &+ max(t.clearanceFee.e6, 0))
        do {
            let transfers = try Backstop.acquire(&backstop, size: t.size, market: t.market, at: t.modelPrice)
            try ledger.post(transfers, at: now)
            recordBackstop(transfers)
        } catch {
            return [.event(ClusterEvent(at: now, kind: .rejected, account: t.account, market: t.market, detail: "backstop takeover failed: \(error)"))]
        }
        // A takeover never postpones an unwind that is due (its time is left as it was; a
        // first position is due at once), and the unwind goes out right away if it can.
        return unwindBackstop(now: now) + [.wake(at: max(backstopNextAt[t.market] ?? now, now))]
    }

    /// Sends each market's next backstop unwind when it is due (never postponed by
    /// takeovers): sized to `backstopDepthShare` of the depth left in the band on the side
    /// it hits and to the backstop's share of the budget, inside the band.
    mutating func unwindBackstop(now: Instant) -> [RoleDirective] {
        var out: [RoleDirective] = []
        for p in backstop.positions where backstopInFlight[p.market] == nil && (backstopNextAt[p.market] ?? now) <= now {
            guard let spec = markets[p.market]?.spec else { continue }
            let interval = spec.liquidation.stepInterval
            backstopNextAt[p.market] = now + Duration(nanoseconds: max(interval.nanoseconds / 4, 1))  // retried then if nothing can be sent now
            guard let mark = context.marks[p.market], breakers[p.market]?.level != .halted, !backstopRoundPending(p.market) else { continue }
            let side = p.side.opposite
            let absSize = Size(e8: abs(p.size.e8))
            var capE6 = Int64.max
            if let d = depths[p.market] {
                let depth = side == .short ? d.bidDepthInBand : d.askDepthInBand
                capE6 = Int64(Int128(depth.e6) * Int128(configuration.backstopDepthShare.ppm) / Int128(Precision.rateScale))
            }
            if configuration.budget.enabled, let grant = backstopGrant[p.market] { capE6 = min(capE6, grant) }
            guard capE6 > 0 else { continue }
            // notional / mark, rounded down to the step: never more than the depth or grant.
            let raw = Int128(capE6) * Precision.notionalDivisor / Int128(mark.e8)
            var size = min(absSize, Size(e8: Int64(min(raw, Int128(Int64.max)))))
            size = (try? size.rounded(toStep: spec.stepSize, .down)) ?? .zero
            if let rest = try? (absSize - size).notional(at: mark, .down), rest < spec.liquidation.minTrancheNotional,
               let whole = try? absSize.notional(at: mark, .up), whole.e6 <= capE6 &+ spec.liquidation.minTrancheNotional.e6 {
                size = absSize  // no dust left behind
            }
            guard size.isPositive else { continue }
            let band = calibrated[p.market]?.priceBand ?? spec.liquidation.priceBand
            guard let limit = try? StepwisePolicy.bandLimit(orderSide: side, mark: mark, band: band, tick: spec.tickSize) else { continue }
            // The most this unwind can lose (everything at its limit): beyond what the fund
            // can pay above its floor, deleverage instead (while counterparties exist).
            let worstLoss = Self.loss(holding: p, from: p.entryPrice, to: limit, size: size)
            let availableE6 = fundBalance.e6 - configuration.fundFloor.e6 - reserved.values.reduce(0) { $0 + $1.e6 }
            if worstLoss > max(availableE6, 0) {
                if let adl = deleverageBackstop(p, mark: mark, availableE6: availableE6, now: now) {
                    out += adl
                    continue
                }
                // A round is under way or was just answered: wait for it, unless nobody was
                // left to deleverage.
                if !backstopAdlFoundNone { continue }
            }
            if configuration.budget.enabled, let grant = backstopGrant[p.market], let n = try? size.notional(at: mark, .up) {
                backstopGrant[p.market] = grant &- n.e6
            }
            let tid = TrancheID(account: Backstop.accountID, market: p.market, sequence: backstopSequence)
            backstopSequence += 1
            backstopInFlight[p.market] = tid
            backstopOrderMark[tid] = mark
            out.append(.send(to: .venue, envelope(.trancheOrder(Message.TrancheOrder(tranche: tid, side: side, size: size, limitPrice: limit,
                                                                                  markPrice: mark, epoch: 0, shard: 0)), now)))
            out.append(.event(ClusterEvent(at: now, kind: .trancheOrder, account: Backstop.accountID, market: p.market, size: size, price: limit,
                                           tranche: tid.sequence, detail: "backstop unwind")))
        }
        return out
    }

    func backstopRoundPending(_ market: MarketID) -> Bool {
        backstopRounds.contains { rounds[$0]?.notice.tranche.market == market }
    }

    // MARK: - Liquidation budget

    /// Each market's budget for the next interval: the Almgren–Chriss pace from the depth
    /// in the band, volatility, trend and backlog (`LiquidationPace`), spent on the
    /// backstop's inventory first, then on the workers' tranches (`BudgetCutoff`). The breaker's volume capacity is
    /// the most the budget can grant over its window, so flow within budget never halts it.
    mutating func publishBudgets(now: Instant) -> [RoleDirective] {
        let c = configuration.budget
        let expiry = Duration(nanoseconds: c.interval.nanoseconds * Int64(c.demandExpiryIntervals))
        let seconds = Double(c.interval.nanoseconds) / 1e9
        var out: [RoleDirective] = []
        for m in markets.keys.sorted() {
            let live = (demands[m] ?? [:]).filter { now - $0.value.at <= expiry }
            demands[m] = live
            guard let d = depths[m], let mark = context.marks[m], let spec = markets[m]?.spec else { continue }
            let band = calibrated[m]?.priceBand ?? spec.liquidation.priceBand
            let depth = Double(min(d.bidDepthInBand.e6, d.askDepthInBand.e6)) / 1e6
            let backstopPosition = backstop.position(in: m)
            let backstopE6 = backstopPosition.flatMap { try? Size(e8: abs($0.size.e8)).notional(at: mark, .up).e6 } ?? 0
            let backlogE6 = live.values.reduce(Int64(0)) { $0 &+ $1.backlog } &+ backstopE6
            // The flow the queue is expected to send: the workers' estimates, and the backstop's
            // whole inventory on the side that unwinds it.
            let backstopSells = (backstopPosition?.size.e8 ?? 0) > 0
            let sellFlowE6 = live.values.reduce(Int64(0)) { $0 &+ $1.sellFlow } &+ (backstopSells ? backstopE6 : 0)
            let buyFlowE6 = live.values.reduce(Int64(0)) { $0 &+ $1.buyFlow } &+ (backstopSells ? 0 : backstopE6)
            let backlog = Double(backlogE6) / 1e6
            var drift = 0.0
            if let trail = markTrail[m], let first = trail.first, let last = trail.last, last.at > first.at, first.price.e8 > 0 {
                drift = Elementary.log(Double(last.price.e8) / Double(first.price.e8)) / (Double((last.at - first.at).nanoseconds) / 1e9)
            }
            let pace = LiquidationPace.compute(depth: depth, band: band.doubleValue, backlog: backlog,
                                               variancePerSecond: budgetVolatility[m]?.variancePerSecond ?? 0, drift: drift, configuration: c)
            let budgetE6 = Int64(min(pace.ratePerSecond * seconds * 1e6, Double(Int64.max / 4)).rounded(.down))
            // Worst margin ratio first, the backstop included: its inventory has no trader's
            // margin left in front of the fund (only the clearance fees), so it is served
            // first, up to what it holds; the rest goes to the workers' tranches in their
            // order (the cutoff).
            let backstopShare = min(max(budgetE6, 0), backstopE6)
            // The backstop unwinds once per step interval: its unspent share accumulates
            // over one step interval (an overdraft is carried as is).
            let steps = max(spec.liquidation.stepInterval.nanoseconds / max(c.interval.nanoseconds, 1), 1)
            backstopGrant[m] = min((backstopGrant[m] ?? 0) &+ backstopShare, backstopShare &* steps)
            let cut = BudgetCutoff.cutoff(budgetE6: budgetE6 - backstopShare,
                                          reports: live.keys.sorted().map { (live[$0]!.tranches, live[$0]!.truncated) })
            budgetSequence += 1
            let rate = Quote(e6: Int64(min(pace.ratePerSecond * 1e6, Double(Int64.max / 4))))
            out.append(.event(ClusterEvent(at: now, kind: .budget, market: m, amount: rate,
                                           detail: "cutoff \(cut.map { "ratio \(Rate(ppm: $0.ratioPpm)) account \($0.account)" } ?? "none"); backlog \(Quote(e6: backlogE6)) (flow: sell \(Quote(e6: sellFlowE6)), buy \(Quote(e6: buyFlowE6))), backstop grant \(Quote(e6: backstopShare)), depth in band \(Quote(e6: Int64(depth * 1e6)))")))
            out.append(.publish(.control, envelope(.liquidationBudget(Message.LiquidationBudget(
                market: m, sequence: budgetSequence, ratePerSecond: rate,
                cutoffRatioPpm: cut?.ratioPpm, cutoffAccount: cut?.account ?? AccountID(0), at: now,
                sellFlow: Quote(e6: sellFlowE6), buyFlow: Quote(e6: buyFlowE6))), now)))
            if var b = breakers[m] {
                let capacity = Int64(min(pace.ceilingRate * Double(b.parameters.window.nanoseconds) / 1e9 * 1e6, Double(Int64.max / 4)))
                if capacity > 0, let ts = try? b.setCapacity(Quote(e6: capacity), now: now) {
                    breakers[m] = b
                    out += transitions(ts, now: now)
                }
            }
        }
        return out
    }

    // MARK: - Auto-deleveraging the backstop

    /// The fund pays the backstop's losses. When an unwind would realise a loss that takes
    /// the fund below its floor, the backstop's inventory in that market is auto-deleveraged
    /// instead, against profitable counterparties, at the price that keeps the fund at its
    /// floor (an ADL round like a bankrupt trader's). Only realised losses count: a
    /// position held through a flash crash that rebounds is not deleveraged at the bottom.
    /// Returns nil when no round can start now (one in progress or just over).
    mutating func deleverageBackstop(_ position: Position, mark: Price, availableE6: Int64, now: Instant) -> [RoleDirective]? {
        guard backstopRounds.isEmpty, now >= backstopAdlNotBefore else { return nil }
        let worst = (market: position.market, position: position, mark: mark)
        // entry ∓ available / size: the loss realised there is what the fund can pay.
        let affordable = max(availableE6, 0)
        let size = abs(worst.position.size.e8)
        let moveE8 = Int64((Int128(affordable) * Precision.notionalDivisor).divided(by: Int128(size), .down))
        let price = Price(e8: worst.position.size.e8 > 0 ? max(worst.position.entryPrice.e8 - moveE8, worst.mark.e8)
                                                        : min(worst.position.entryPrice.e8 + moveE8, worst.mark.e8))
        let tid = TrancheID(account: Backstop.accountID, market: worst.market, sequence: backstopSequence)
        backstopSequence += 1
        let notice = Message.BankruptcyNotice(tranche: tid, scope: .cross, positionSide: worst.position.side, size: Size(e8: size),
                                              bankruptcyPrice: price, markPrice: worst.mark, expectedDeficit: .zero, at: now)
        let id = nextRequest
        nextRequest += 1
        let deadline = now + configuration.adlCollectWindow
        rounds[id] = ADLRound(notice: notice, candidates: [], deadline: deadline)
        backstopRounds.insert(id)
        return [.publish(.control, envelope(.adlCandidatesRequest(Message.AdlCandidatesRequest(requestID: id, market: worst.market,
                                                                                             sideNeeded: worst.position.side.opposite, sizeNeeded: Size(e8: size))), now)),
                .event(ClusterEvent(at: now, kind: .adl, account: Backstop.accountID, market: worst.market, size: Size(e8: size), price: price,
                                    detail: "backstop loss would take the fund below its floor: deleveraging its inventory")),
                .wake(at: deadline)]
    }

    /// What holding `size` of `position`'s side loses when the price goes `from` → `to`
    /// (negative: a gain), in quote × 10^6, rounded up (toward a loss).
    static func loss(holding position: Position, from: Price, to: Price, size: Size) -> Int64 {
        let perUnit = position.size.e8 > 0 ? Int128(from.e8) - Int128(to.e8) : Int128(to.e8) - Int128(from.e8)
        return loss(perUnitE8: perUnit, size: size)
    }

    static func loss(perUnitE8: Int128, size: Size) -> Int64 {
        Int64(clamping: (perUnitE8 * Int128(size.e8)).divided(by: Precision.notionalDivisor, .up))
    }

    /// Adds the sweep of a backstop trade (into or out of the fund) to its result.
    mutating func recordBackstop(_ transfers: [LedgerTransfer]) {
        for t in transfers where t.reason == .backstopUnwind {
            if t.to == .insuranceFund { statistics.backstopResult = Quote(e6: statistics.backstopResult.e6 + t.amount.e6) }
            if t.from == .insuranceFund { statistics.backstopResult = Quote(e6: statistics.backstopResult.e6 - t.amount.e6) }
        }
    }

    mutating func onBackstopFill(_ f: Message.TrancheFill, now: Instant) -> [RoleDirective] {
        guard f.tranche.account == Backstop.accountID, backstopInFlight[f.tranche.market] == f.tranche else { return [] }
        backstopInFlight[f.tranche.market] = nil
        let markAtOrder = backstopOrderMark.removeValue(forKey: f.tranche)
        let interval = markets[f.tranche.market]?.spec.liquidation.stepInterval ?? .seconds(1)
        // After a fill the book gets the step interval to recover; after an empty one, a quarter.
        let wait = f.filledSize.isPositive ? interval : Duration(nanoseconds: max(interval.nanoseconds / 4, 1))
        backstopNextAt[f.tranche.market] = now + wait
        var out: [RoleDirective] = [.wake(at: now + wait)]
        guard f.filledSize.isPositive, f.vwap.e8 > 0, let held = backstop.position(in: f.tranche.market) else { return out }
        let vwap = f.vwap
        let side = held.side.opposite
        do {
            let transfers = try Backstop.applyUnwindFill(&backstop, market: f.tranche.market, size: f.filledSize, price: vwap)
            try ledger.post(transfers, at: now)
            recordBackstop(transfers)
        } catch {
            return out + [.event(ClusterEvent(at: now, kind: .rejected, account: Backstop.accountID, market: f.tranche.market, detail: "unwind fill failed: \(error)"))]
        }
        let notional = (try? f.filledSize.notional(at: vwap, .down)) ?? .zero
        statistics.backstopUnwoundNotional = Quote(e6: statistics.backstopUnwoundNotional.e6 &+ notional.e6)
        if let mark = markAtOrder {
            recordSlippage(notional: notional, mark: mark, vwap: vwap, side: side)
            // Loss split, signed toward a loss: a long held loses when the mark falls below
            // its entry (inventory) and when it sells below the mark (execution).
            let inventory = Self.loss(holding: held, from: held.entryPrice, to: mark, size: f.filledSize)
            let execution = Self.loss(holding: held, from: mark, to: vwap, size: f.filledSize)
            statistics.backstopInventoryLoss = Quote(e6: statistics.backstopInventoryLoss.e6 &+ inventory)
            statistics.backstopExecutionCost = Quote(e6: statistics.backstopExecutionCost.e6 &+ execution)
        }
        out.append(.event(ClusterEvent(at: now, kind: .fill, account: Backstop.accountID, market: f.tranche.market, size: f.filledSize, price: vwap,
                                       amount: notional, tranche: f.tranche.sequence, detail: "backstop unwind")))
        return out
    }
}

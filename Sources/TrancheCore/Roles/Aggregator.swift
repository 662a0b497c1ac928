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

    public init() {}

    public func validate(field: String = "aggregator") throws(ConfigurationError) {
        if fundInitialBalance.isNegative { throw ConfigurationError(field: "\(field).fundInitialBalance", reason: "must not be negative") }
        if fundFloor.isNegative { throw ConfigurationError(field: "\(field).fundFloor", reason: "must not be negative") }
        if controlInterval.nanoseconds <= 0 { throw ConfigurationError(field: "\(field).controlInterval", reason: "must be positive") }
        if adlCollectWindow.nanoseconds <= 0 { throw ConfigurationError(field: "\(field).adlCollectWindow", reason: "must be positive") }
        if retainedLedgerEntries < 0 { throw ConfigurationError(field: "\(field).retainedLedgerEntries", reason: "must not be negative") }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case fundInitialBalance, fundFloor, controlInterval, adlCollectWindow, retainedLedgerEntries }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AggregatorConfiguration()
        fundInitialBalance = try c.decode(.fundInitialBalance, default: d.fundInitialBalance)
        fundFloor = try c.decode(.fundFloor, default: d.fundFloor)
        controlInterval = try c.decode(.controlInterval, default: d.controlInterval)
        adlCollectWindow = try c.decode(.adlCollectWindow, default: d.adlCollectWindow)
        retainedLedgerEntries = try c.decode(.retainedLedgerEntries, default: d.retainedLedgerEntries)
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
        /// Fill VWAP against the mark at order time, notional-weighted, in bps (worse = positive).
        public var averageSlippageBps: Double { slippageNotional > 0 ? slippageWeighted / slippageNotional : 0 }
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
        }
    }

    public var fundBalance: Quote { ledger.balance(.insuranceFund) }

    /// Seeds the fund (first start only) and broadcasts the initial control state.
    public mutating func start(now: Instant) -> [RoleDirective] {
        if ledger.entryCount == 0 && configuration.fundInitialBalance.isPositive {
            _ = try? ledger.post(LedgerTransfer(from: .external, to: .insuranceFund, amount: configuration.fundInitialBalance, reason: .fundSeed), at: now)
        }
        nextControl = now + configuration.controlInterval
        return controlBroadcast(now: now) + [.wake(at: nextControl)]
    }

    /// Restores the ledger and backstop from the store (the processes' restart path).
    public mutating func restore(ledger: Ledger, backstop: Account) {
        self.ledger = ledger
        self.backstop = backstop
    }

    public mutating func receive(_ envelope: Envelope, from sender: NodeID, now: Instant) -> [RoleDirective] {
        switch envelope.body {
        case .ledgerPosting(let p):
            do { try ledger.post(p.transfers, at: now) } catch {
                return [.event(ClusterEvent(at: now, kind: .rejected, detail: "ledger posting from \(sender) refused: \(error)"))]
            }
            return []
        case .fillReport(let r):
            return onFillReport(r, now: now)
        case .markPrice(let m):
            return onMark(m, now: now)
        case .depthSummary(let d):
            return onDepth(d, now: now)
        case .bankruptcyNotice(let n):
            return onBankruptcy(n, now: now)
        case .adlCandidates(let c):
            rounds[c.requestID]?.candidates += c.candidates
            return []
        case .takeoverNotice(let t):
            return onTakeover(t, now: now)
        case .trancheFill(let f):
            return onBackstopFill(f, now: now)
        case .fundRequest(let r):
            let entries = ledger.recentEntries.suffix(Int(r.maxEntries == 0 ? 20 : r.maxEntries)).map {
                Message.LedgerEntryView(sequence: $0.sequence, from: $0.from.description, to: $0.to.description, amount: $0.amount,
                                        reason: "\($0.reason)", account: $0.account, at: $0.at)
            }
            return [.send(to: sender, Envelope(correlationID: envelope.correlationID, sender: NodeID.aggregator.description, sentAt: now,
                                               body: .fundView(Message.FundView(balance: fundBalance, entries: Array(entries)))))]
        case .clusterEvent(let m):
            // Workers forward their events here; the aggregator's shell publishes them all.
            return [.event(m.event)]
        case .openAccount, .deposit, .withdraw, .submitPosition, .reducePosition, .closePosition, .showAccount, .statusRequest,
             .breakerRequest, .setPrice, .subscribeEvents, .commandReply, .statusView, .fundView, .breakerList, .trancheOrder,
             .breakerState, .insuranceFundEvent, .liquidationEvent, .heartbeat, .workerRegister, .shardAssignment,
             .adlCandidatesRequest, .adlInstruction, .bankruptcyDecision, .fundState:
            return []
        }
    }

    public mutating func onWake(now: Instant) -> [RoleDirective] {
        var out: [RoleDirective] = []
        for id in rounds.keys.sorted() where rounds[id]!.deadline <= now { out += closeRound(id, now: now) }
        for m in breakers.keys.sorted() { out += transitions(breakers[m]!.evaluate(now: now), now: now) }
        out += unwindBackstop(now: now)
        if now >= nextControl {
            out += controlBroadcast(now: now)
            nextControl = now + configuration.controlInterval
        }
        var next = nextControl
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
            let m = Double(r.markAtOrder.e8), v = Double(r.vwap.e8), n = Double(notional.e6)
            if m > 0 {
                // Worse than the mark is positive: a sell below it, a buy above it.
                statistics.slippageWeighted += n * (r.orderSide == .short ? m - v : v - m) / m * 10_000
                statistics.slippageNotional += n
            }
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

    mutating func onMark(_ m: Message.MarkPrice, now: Instant) -> [RoleDirective] {
        guard var b = breakers[m.market] else { return [] }
        context.marks[m.market] = m.price
        volatility[m.market]?.update(price: m.price, now: now)
        let out = transitions(b.recordMark(m.price, now: now), now: now)
        breakers[m.market] = b
        return out
    }

    mutating func onDepth(_ d: Message.DepthSummary, now: Instant) -> [RoleDirective] {
        guard let r = recalibrators[d.market], var b = breakers[d.market] else { return [] }
        // The side liquidations hit is unknown in advance: the thinner side governs.
        let depth = min(d.bidDepthInBand, d.askDepthInBand)
        let t = r.calibrate(volatility: volatility[d.market]?.volatility ?? r.parameters.referenceVolatility, depthInBand: depth)
        calibrated[d.market] = t
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
        let available = InsuranceFundPolicy(floor: configuration.fundFloor).available(in: ledger).e6 - reserved.values.reduce(0) { $0 + $1.e6 }
        if n.expectedDeficit.e6 <= available {
            reserved[n.tranche] = n.expectedDeficit
            return [.publish(.control, envelope(.bankruptcyDecision(Message.BankruptcyDecision(tranche: n.tranche, adlSize: .zero, bookSize: n.size, at: now)), now))]
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
            out.append(.publish(.control, envelope(.adlInstruction(Message.AdlInstruction(requestID: id, account: c.account, market: n.tranche.market,
                                                                                        size: Size(e8: take), price: n.bankruptcyPrice,
                                                                                        bankruptAccount: n.tranche.account)), now)))
        }
        let matched = Size(e8: n.size.e8 - left)
        if matched.isPositive {
            out.append(.publish(.control, envelope(.adlInstruction(Message.AdlInstruction(requestID: id, account: n.tranche.account, market: n.tranche.market,
                                                                                        size: matched, price: n.bankruptcyPrice,
                                                                                        bankruptAccount: n.tranche.account)), now)))
            out.append(.event(ClusterEvent(at: now, kind: .adl, account: n.tranche.account, market: n.tranche.market, size: matched, price: n.bankruptcyPrice,
                                           detail: "bankrupt position deleveraged against \(out.count - 1) counterparties")))
        }
        out.append(.publish(.control, envelope(.bankruptcyDecision(Message.BankruptcyDecision(tranche: n.tranche, adlSize: matched, bookSize: Size(e8: left), at: now)), now)))
        return out
    }

    // MARK: - Backstop

    mutating func onTakeover(_ t: Message.TakeoverNotice, now: Instant) -> [RoleDirective] {
        statistics.takeovers += 1
        do {
            let transfers = try Backstop.acquire(&backstop, size: t.size, market: t.market, at: t.modelPrice)
            try ledger.post(transfers, at: now)
            recordBackstop(transfers)
        } catch {
            return [.event(ClusterEvent(at: now, kind: .rejected, account: t.account, market: t.market, detail: "backstop takeover failed: \(error)"))]
        }
        let interval = markets[t.market]?.spec.liquidation.stepInterval ?? .seconds(1)
        backstopNextAt[t.market] = now + interval
        return [.wake(at: now + interval)]
    }

    mutating func unwindBackstop(now: Instant) -> [RoleDirective] {
        var out: [RoleDirective] = []
        for p in backstop.positions where backstopInFlight[p.market] == nil && (backstopNextAt[p.market] ?? now) <= now {
            let interval = markets[p.market]?.spec.liquidation.stepInterval ?? .seconds(1)
            backstopNextAt[p.market] = now + interval  // retried then if nothing can be sent now
            guard context.marks[p.market] != nil, breakers[p.market]?.level != .halted else { continue }
            let adjustments = PlanAdjustments(stepScale: breakers[p.market]?.stepScale ?? .one, maxStepFraction: calibrated[p.market]?.maxStepFraction,
                                              priceBand: calibrated[p.market]?.priceBand)
            guard let plan = try? Backstop.nextUnwind(backstop, market: p.market, context: context, adjustments: adjustments) else { continue }
            let tid = TrancheID(account: Backstop.accountID, market: p.market, sequence: backstopSequence)
            backstopSequence += 1
            backstopInFlight[p.market] = tid
            out.append(.send(to: .venue, envelope(.trancheOrder(Message.TrancheOrder(tranche: tid, side: plan.orderSide, size: plan.size, limitPrice: plan.limitPrice,
                                                                                  markPrice: plan.markPrice, epoch: 0, shard: 0)), now)))
            out.append(.event(ClusterEvent(at: now, kind: .trancheOrder, account: Backstop.accountID, market: p.market, size: plan.size, price: plan.limitPrice,
                                           tranche: tid.sequence, detail: "backstop unwind")))
        }
        return out
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
        let interval = markets[f.tranche.market]?.spec.liquidation.stepInterval ?? .seconds(1)
        backstopNextAt[f.tranche.market] = now + interval
        var out: [RoleDirective] = [.wake(at: now + interval)]
        guard f.filledSize.isPositive, f.vwap.e8 > 0 else { return out }
        let vwap = f.vwap
        do {
            let transfers = try Backstop.applyUnwindFill(&backstop, market: f.tranche.market, size: f.filledSize, price: vwap)
            try ledger.post(transfers, at: now)
            recordBackstop(transfers)
        } catch {
            return out + [.event(ClusterEvent(at: now, kind: .rejected, account: Backstop.accountID, market: f.tranche.market, detail: "unwind fill failed: \(error)"))]
        }
        out.append(.event(ClusterEvent(at: now, kind: .fill, account: Backstop.accountID, market: f.tranche.market, size: f.filledSize, price: vwap,
                                       amount: (try? f.filledSize.notional(at: vwap, .down)) ?? .zero, tranche: f.tranche.sequence, detail: "backstop unwind")))
        return out
    }
}

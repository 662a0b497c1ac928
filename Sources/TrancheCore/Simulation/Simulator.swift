/// Options of one simulation run.
public struct SimulationOptions: Sendable {
    public var policy: PolicyKind
    /// Overrides the scenario's worker count (the results must not depend on it).
    public var workers: Int?
    /// Collect events for the caller (`--events`); off, only the summary is computed.
    public var recordEvents: Bool
    /// Overrides whether the scenario's liquidation budget runs (the ablation).
    public var budget: Bool?
    /// Overrides the scenario's seed.
    public var seed: UInt64?

    public init(policy: PolicyKind = .stepwise, workers: Int? = nil, recordEvents: Bool = false, budget: Bool? = nil, seed: UInt64? = nil) {
        self.policy = policy
        self.workers = workers
        self.recordEvents = recordEvents
        self.budget = budget
        self.seed = seed
    }
}

/// Runs a scenario through the four roles wired over an in-memory network, in one
/// process, deterministically.
public enum Simulator {
    /// When the generated accounts are opened (after workers registered and loaded shards,
    /// and the first marks are out).
    static let setupAt = Instant(nanoseconds: 200_000_000)
    /// When the exogenous price path starts.
    static let pathStart = Instant.seconds(1)

    /// Runs `scenario` and returns its summary. With `options.recordEvents`, `events` is
    /// called with every event in a canonical order (time, then account, then source role,
    /// then emission order), so the same scenario and seed give the same sequence whatever
    /// the worker count.
    /// With `sample`, the cluster is shown to it once per mark interval (after the events up
    /// to that time, before the next price), through the tail too: the stress report's
    /// series (fund, breakers, accounts by state).
    public static func run(_ original: Scenario, options: SimulationOptions, events sink: (ClusterEvent) -> Void = { _ in },
                           sample: ((Instant, SimulatedCluster) -> Void)? = nil) throws -> SimulationSummary {
        var scenario = original
        if let b = options.budget { scenario.budget.enabled = b }
        if let s = options.seed { scenario.seed = s }
        try scenario.validate()
        let workerCount = options.workers ?? scenario.workers
        if workerCount < 1 { throw ConfigurationError(field: "workers", reason: "must be at least 1") }
        let specs = scenario.markets.map(\.market)

        let (paths, accounts) = try inputs(scenario)

        var cluster = try build(scenario, workers: workerCount, policy: options.policy)
        var summary = SimulationSummary(scenario: scenario.name, policy: options.policy.policy.name, seed: scenario.seed, workers: workerCount)
        summary.insuranceFundStart = scenario.insuranceFund.initialBalance
        var tally = Tally()
        let record = options.recordEvents
        let eventSink: (ClusterEvent) -> Void = { e in
            tally.count(e)
            if record { sink(e) }
        }

        cluster.start(eventSink)
        cluster.run(until: setupAt, eventSink)
        var correlation: UInt64 = 0
        try open(accounts, in: &cluster, client: "sim", correlation: &correlation)
        let steps = paths.values.map(\.count).max() ?? 1
        var traders = scenario.topUps.isEnabled ? TopUpTraders(scenario.topUps, accounts: accounts, specs: specs, seed: scenario.seed) : nil
        for k in 1..<steps {
            let t = pathStart + Duration(nanoseconds: Int64(k) * scenario.markInterval.nanoseconds)
            cluster.run(until: Instant(nanoseconds: t.nanoseconds - 1), eventSink)
            sample?(t, cluster)
            traders?.step(at: cluster.now, cluster: &cluster, correlation: &correlation)
            for m in scenario.markets {
                let path = paths[m.market.id]!
                cluster.inject(.setPrice(Message.SetPrice(market: m.market.id, price: path[min(k, path.count - 1)])), to: .venue)
            }
        }
        let end = pathStart + scenario.duration + scenario.tail
        if sample != nil || traders != nil {
            // Prices hold in the tail; samples and traders still act once per mark interval.
            var t = pathStart + Duration(nanoseconds: Int64(steps) * scenario.markInterval.nanoseconds)
            while t < end {
                cluster.run(until: Instant(nanoseconds: t.nanoseconds - 1), eventSink)
                sample?(t, cluster)
                traders?.step(at: cluster.now, cluster: &cluster, correlation: &correlation)
                t = t + scenario.markInterval
            }
        }
        cluster.run(until: end, eventSink)
        cluster.flushEvents(eventSink)

        // Setup replies: every account must have opened.
        let replies = cluster.clientInbox["sim"] ?? []
        let failures = replies.filter { if case .commandReply(let r) = $0.body { return r.errorCode != .ok }; return true }
        if let f = failures.first, case .commandReply(let r) = f.body {
            throw ConfigurationError(field: "accounts", reason: "\(failures.count) account commands were refused, e.g. \(r.errorCode): \(r.errorMessage)")
        }

        let stats = cluster.aggregator.statistics
        let records = cluster.accountRecords()
        summary.accounts = records.count
        summary.liquidatedAccounts = tally.liquidated.count
        summary.tranches = tally.tranches
        summary.liquidatedNotional = stats.liquidatedNotional
        summary.avgSlippageBps = stats.averageSlippageBps
        summary.accountDeficits = stats.deficits
        summary.budget = scenario.budget.enabled
        summary.paceHorizon = scenario.budget.enabled ? scenario.budget.paceHorizon : nil
        // The backstop's open inventory is marked at the end: a loss it still carries is a
        // loss (it cannot be hidden by not selling), and so is a gain.
        let unrealised = cluster.aggregator.backstop.positions.reduce(Int64(0)) { total, p in
            total &+ ((try? p.unrealisedPnl(at: cluster.venue.mark(p.market, now: end) ?? p.entryPrice))?.e6 ?? 0)
        }
        summary.backstopUnrealised = Quote(e6: unrealised)
        // The backstop's loss at the marks: its realised result without the haircut its ADL
        // closes took from counterparties (counted once, in adlHaircut), and what it holds.
        // (The backstop's ADL haircut is part of that loss: the fund bore entry → ADL price,
        // the counterparties ADL price → mark. Only the traders' ADL haircut is added.)
        let backstopLossAtMarks = -stats.backstopResult.e6 + stats.backstopHaircut.e6 - unrealised
        let tradersHaircut = stats.adlHaircut.e6 - stats.backstopHaircut.e6
        summary.badDebt = Quote(e6: stats.deficits.e6 + tradersHaircut + max(0, backstopLossAtMarks - stats.clearanceFees.e6))
        summary.adlHaircut = stats.adlHaircut
        summary.clearanceFees = stats.clearanceFees
        summary.backstopInventoryLoss = stats.backstopInventoryLoss
        summary.backstopExecutionCost = stats.backstopExecutionCost
        summary.backstopUnwoundNotional = stats.backstopUnwoundNotional
        summary.backstopDeleveraged = stats.backstopDeleveraged
        summary.tradersDeleveraged = stats.tradersDeleveraged
        summary.backstopDeleverageLoss = stats.backstopDeleverageLoss
        summary.uncoveredDeficit = stats.uncoveredDeficit
        summary.insuranceFundEnd = cluster.aggregator.fundBalance
        summary.insuranceFundFloor = scenario.insuranceFund.floor
        // Who ADL could still reach: every profitable position at the last marks.
        let endMarks = Dictionary(specs.compactMap { s in cluster.venue.mark(s.id, now: end).map { (s.id, $0) } }, uniquingKeysWith: { a, _ in a })
        let endContext = MarginContext(markets: specs, marks: endMarks)
        for r in records {
            for p in r.account.positions {
                guard let c = try? AutoDeleveraging.candidate(r.account, market: p.market, context: endContext), c.unrealisedPnl.isPositive else { continue }
                summary.adlCandidatesAtEnd += 1
                summary.adlCandidateNotionalAtEnd = Quote(e6: summary.adlCandidateNotionalAtEnd.e6 &+ c.notional.e6)
            }
        }
        summary.backstopResult = stats.backstopResult
        summary.backstopOpenNotional = Quote(e6: cluster.aggregator.backstop.positions.reduce(0) { total, p in
            total + ((try? p.size.notional(at: cluster.venue.mark(p.market, now: end) ?? p.entryPrice, .down))?.e6 ?? 0)
        })
        summary.adlEvents = stats.adlMatches
        if let traders { (summary.topUps, summary.topUpAmount) = traders.accepted(cluster) }
        summary.takeovers = stats.takeovers
        summary.breakerTrips = stats.breakerTrips
        let exogenous = try CascadeAnalysis.liquidatableOnExogenousPath(accounts: accounts, markets: specs, paths: paths)
        summary.cascadeLiquidations = tally.liquidated.subtracting(exogenous).count
        summary.moneyConserved = moneyConserved(cluster, records)
        summary.simulatedSeconds = Double(end.nanoseconds) / 1e9
        summary.events = tally.events
        return summary
    }

    /// The ledger balances, and every account's held balance equals its ledger balance.
    static func moneyConserved(_ cluster: SimulatedCluster, _ records: [AccountRecord]) -> Bool {
        let ledger = cluster.aggregator.ledger
        guard ledger.isConserved else { return false }
        for r in records {
            guard let held = try? r.account.heldBalance(), held == ledger.balance(.trader(r.account.id)) else { return false }
        }
        return ledger.balance(.trader(Backstop.accountID)) == cluster.aggregator.backstop.collateral
    }

    /// A scenario's exogenous price path per market and its accounts, each from its own
    /// stream of the scenario's seed (so changing one never shifts the other).
    /// The exogenous price paths (one point per mark interval) and the accounts of a scenario,
    /// drawn from its seed: what `tranche-loadgen crash` drives into a live cluster.
    public static func inputs(_ scenario: Scenario) throws -> (paths: [MarketID: [Price]], accounts: [Account]) {
        var paths: [MarketID: [Price]] = [:]
        for (i, m) in scenario.markets.enumerated() {
            var rng = SeededGenerator(seed: scenario.seed &+ 0x5041_5448 &* UInt64(i + 1))
            paths[m.market.id] = m.path.sample(initial: m.initialPrice, duration: scenario.duration, step: scenario.markInterval, rng: &rng)
        }
        var accountRng = SeededGenerator(seed: scenario.seed ^ 0x4143_434F_554E_5453)
        return (paths, try scenario.accounts.generate(markets: scenario.markets, rng: &accountRng))
    }

    /// Opens the accounts through a client of the cluster: collateral, then each position.
    static func open(_ accounts: [Account], in cluster: inout SimulatedCluster, client: String, correlation: inout UInt64) throws {
        for a in accounts {
            correlation += 1
            cluster.clientSend(client, .openAccount(Message.OpenAccount(account: a.id, initialCollateral: try a.heldBalance())), correlation: correlation)
            for p in a.positions {
                correlation += 1
                cluster.clientSend(client, .submitPosition(Message.SubmitPosition(
                    account: a.id, market: p.market, side: p.side, size: try p.size.magnitude(), entryPrice: p.entryPrice,
                    marginMode: p.mode, isolatedMargin: p.isolatedMargin, importAt: true)), correlation: correlation)
            }
        }
    }

    /// The cluster of a scenario.
    public static func build(_ scenario: Scenario, workers count: Int, policy: PolicyKind,
                             worker adjust: (inout WorkerConfiguration) -> Void = { _ in }) throws -> SimulatedCluster {
        let specs = scenario.markets.map(\.market)
        let venue = try Venue(markets: scenario.markets.map { VenueMarket(spec: $0.market, book: $0.venue, markPrice: $0.markPrice, initialPrice: $0.initialPrice) },
                              publishInterval: scenario.markInterval, now: .zero)
        var aggConfig = AggregatorConfiguration()
        aggConfig.fundInitialBalance = scenario.insuranceFund.initialBalance
        aggConfig.fundFloor = scenario.insuranceFund.floor
        aggConfig.retainedLedgerEntries = 0
        aggConfig.budget = scenario.budget
        let aggregator = try Aggregator(configuration: aggConfig,
                                        markets: scenario.markets.map { AggregatorMarket(spec: $0.market, breaker: $0.breaker, recalibration: $0.recalibration) },
                                        now: .zero)
        var coordinatorConfiguration = CoordinatorConfiguration(shardCount: scenario.shards)
        // The simulated client sends a scenario's whole population at once and does not
        // retry: the bound protects processes from real floods, not this setup.
        coordinatorConfiguration.maxPendingRequests = .max
        let coordinator = Coordinator(configuration: coordinatorConfiguration)
        let workers = (1...count).map { i in
            var c = WorkerConfiguration(id: "w\(i)", shardCount: scenario.shards, policy: policy)
            adjust(&c)
            return Worker(configuration: c, markets: specs)
        }
        return SimulatedCluster(venue: venue, aggregator: aggregator, coordinator: coordinator, workers: workers, latency: scenario.latency)
    }

    /// Running counts over the event stream.
    struct Tally {
        var events = 0
        var tranches = 0
        var liquidated = Set<AccountID>()

        mutating func count(_ e: ClusterEvent) {
            events += 1
            guard let account = e.account, account != Backstop.accountID else { return }
            switch e.kind {
            case .trancheOrder:
                tranches += 1
                liquidated.insert(account)
            case .takeover:
                liquidated.insert(account)
            default:
                return
            }
        }
    }
}

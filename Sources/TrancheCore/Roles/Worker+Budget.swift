/// The worker's side of the cluster-wide liquidation budget (docs/simulation.md, "The
/// liquidation budget"): it reports the tranches due per margin-ratio bucket, applies the
/// aggregator's cutoff (worst margin ratio first, cluster-wide), and parks the scopes the
/// cutoff leaves out until the next budget.
extension Worker {
    /// The bucket of a scope at the current marks.
    func budgetBucket(_ account: Account, _ scope: MarginScope) -> Int {
        guard let m = try? MarginCalculator.scopeMetrics(account, scope, context) else { return 0 }
        return BudgetCutoff.bucket(marginRatioPpm: m.marginRatio?.ppm, bankrupt: m.isBankrupt)
    }

    /// Whether the market's budget leaves this scope out for now (no budget heard: never).
    func budgetExcludes(_ account: Account, _ scope: MarginScope, market: MarketID) -> Bool {
        guard let b = budgets[market] else { return false }
        if b.cutoffBucket >= BudgetCutoff.bucketCount { return false }
        return !BudgetCutoff.admits(bucket: budgetBucket(account, scope), account: account.id, cutoff: b.cutoffBucket,
                                    admitPpm: b.admitPpm, sequence: b.sequence)
    }

    /// The demand per market: the backlog (notional of every position in a liquidating
    /// scope) and the notional of the tranches due (the last plan of each liquidating
    /// scope) per margin-ratio bucket.
    func demandReport(now: Instant) -> RoleDirective {
        var backlog: [MarketID: Int64] = [:]
        var buckets: [MarketID: [Int64]] = [:]
        for id in active {
            guard let rec = accounts[id] else { continue }
            for st in rec.scopes where st.state.phase == .liquidating {
                let positions = rec.account.positions(in: st.scope)
                for p in positions {
                    guard let mark = context.marks[p.market], let n = try? p.size.notional(at: mark, .up) else { continue }
                    backlog[p.market, default: 0] &+= n.e6
                }
                guard let due = st.state.pendingTranche, due.notional.isPositive else { continue }
                let b = budgetBucket(rec.account, st.scope)
                buckets[due.market, default: [Int64](repeating: 0, count: BudgetCutoff.bucketCount)][b] &+= due.notional.e6
            }
        }
        let entries = context.markets.keys.sorted().map { m in
            Message.LiquidationDemand.Entry(market: m, backlog: Quote(e6: backlog[m] ?? 0), buckets: (buckets[m] ?? []).enumerated().compactMap {
                $0.element > 0 ? Message.LiquidationDemand.BucketDemand(bucket: $0.offset, notional: Quote(e6: $0.element)) : nil
            })
        }
        return send(.aggregator, .liquidationDemand(Message.LiquidationDemand(entries: entries, at: now)), now)
    }

    /// A new budget replaces the last; the scopes waiting for the market's budget are
    /// evaluated again (in account order: admission depends only on each scope's own state).
    mutating func onBudget(_ b: Message.LiquidationBudget, now: Instant) -> [RoleDirective] {
        guard context.markets[b.market] != nil, b.sequence > budgets[b.market]?.sequence ?? 0 else { return [] }
        budgets[b.market] = b
        guard let waiting = awaitingBudget.removeValue(forKey: b.market), !waiting.isEmpty else { return [] }
        var out: [RoleDirective] = []
        for id in waiting.sorted() { out += evaluate(id, now: now) }
        return out
    }
}

/// The worker's side of the cluster-wide liquidation budget (docs/simulation.md, "The
/// liquidation budget"): after each budget it reports the tranches due per margin-ratio
/// bucket, applies the aggregator's next cutoff to them (worst margin ratio first,
/// cluster-wide), and parks the scopes left out (and tranches that fell due since the
/// report) until the next budget.
extension Worker {
    /// The bucket of a scope at the current marks.
    func budgetBucket(_ account: Account, _ scope: MarginScope) -> Int {
        guard let m = try? MarginCalculator.scopeMetrics(account, scope, context) else { return 0 }
        return BudgetCutoff.bucket(marginRatioPpm: m.marginRatio?.ppm, bankrupt: m.isBankrupt)
    }

    /// Whether the market's budget leaves this scope out for now (no budget heard: never).
    /// A tranche we reported is under the cutoff; one that fell due after our report waits
    /// for the next budget (at most a report and a budget interval): the budget admits
    /// only what it was computed for, and each account's fate depends on its own state and
    /// the broadcast alone, not on how accounts are sharded.
    func budgetExcludes(_ account: Account, _ scope: MarginScope, market: MarketID) -> Bool {
        guard let b = budgets[market] else { return false }
        guard reportedDemand[market]?.contains(account.id) == true else { return true }
        if b.cutoffBucket >= BudgetCutoff.bucketCount { return false }
        return !BudgetCutoff.admits(bucket: budgetBucket(account, scope), account: account.id, cutoff: b.cutoffBucket,
                                    admitPpm: b.admitPpm, sequence: b.sequence)
    }

    /// The demand per market: the backlog (notional of every position in a liquidating
    /// scope) and the notional of the tranches due (the last plan of each liquidating
    /// scope) per margin-ratio bucket.
    mutating func demandReport(now: Instant) -> RoleDirective {
        var backlog: [MarketID: Int64] = [:]
        var buckets: [MarketID: [Int64]] = [:]
        reportedDemand = [:]
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
                reportedDemand[due.market, default: []].insert(id)
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
    /// Then the next demand report goes out (once per instant, whatever the number of
    /// markets): the next budget is computed from it.
    mutating func onBudget(_ b: Message.LiquidationBudget, now: Instant) -> [RoleDirective] {
        guard context.markets[b.market] != nil, b.sequence > budgets[b.market]?.sequence ?? 0 else { return [] }
        budgets[b.market] = b
        var out: [RoleDirective] = []
        if let waiting = awaitingBudget.removeValue(forKey: b.market) {
            for id in waiting.sorted() { out += evaluate(id, now: now) }
        }
        if lastBudgetAt != now {
            lastBudgetAt = now
            out.append(demandReport(now: now))
        }
        return out
    }
}

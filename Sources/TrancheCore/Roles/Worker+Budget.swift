/// The worker's side of the cluster-wide liquidation budget (docs/simulation.md, "The
/// liquidation budget"): after each budget it reports its due tranches sorted by (margin
/// ratio, account), applies the aggregator's next cut point to them (worst margin ratio
/// first, cluster-wide), and parks the scopes left out (and tranches that fell due since
/// the report) until the next budget.
extension Worker {
    /// A scope's margin ratio for the budget's order: bankrupt first, then by ratio.
    func budgetRatio(_ account: Account, _ scope: MarginScope) -> Int64 {
        guard let m = try? MarginCalculator.scopeMetrics(account, scope, context) else { return BudgetCutoff.bankruptRatio }
        if m.isBankrupt { return BudgetCutoff.bankruptRatio }
        return max(m.marginRatio?.ppm ?? Int64.max, 0)
    }

    /// What the market's budget says of this scope's tranche (no budget heard: it goes).
    /// A tranche we reported is under the cutoff; one that fell due after our report waits
    /// for the next budget (at most a report and a budget interval): the budget admits
    /// only what it was computed for, and each account's fate depends on its own state and
    /// the broadcast alone, not on how accounts are sharded.
    func budgetAdmission(_ account: Account, _ scope: MarginScope, market: MarketID) -> BudgetAdmission {
        guard let b = budgets[market] else { return .admitted }
        guard let ratio = reportedDemand[market]?[account.id] else { return .notYetReported }
        return b.admits(marginRatioPpm: ratio, account: account.id) ? .admitted : .excluded
    }

    /// The demand per market: the backlog (notional of every position in a scope in margin
    /// call or in liquidation), the flow those scopes are expected to send to finish (the
    /// policy's `expectedFlow`, selling and buying) and the tranches due (the last plan of
    /// each liquidating scope), worst first. A scope in its grace window is in the backlog
    /// and the flow: unless topped up it is about to sell, and the budget's pace and the
    /// workers' projection of the queued flow's move (`queuedFlowMove`) must see it.
    mutating func demandReport(now: Instant) -> RoleDirective {
        // A handful of markets: a sorted list searched in place is cheaper than hashing a
        // market id per position of every account in liquidation.
        let marks = context.marks.sorted { $0.key < $1.key }
        var backlog = [Int64](repeating: 0, count: marks.count)
        var sellFlow = [Int64](repeating: 0, count: marks.count), buyFlow = sellFlow
        var due: [MarketID: [Message.LiquidationDemand.DueTranche]] = [:]
        reportedDemand = [:]
        reportedOrder = [:]
        let horizon = now + configuration.demandInterval
        for id in active {
            guard let i = accounts.index(forKey: id) else { continue }
            let rec = accounts.values[i]
            for st in rec.scopes where st.state.isActive {
                for p in rec.account.positions where st.scope.contains(p) {
                    guard let k = marks.firstIndex(where: { $0.key == p.market }), let n = try? p.size.notional(at: marks[k].value, .up) else { continue }
                    backlog[k] &+= n.e6
                }
                for (p, n) in policy.expectedFlow(account: rec.account, scope: st.scope, context: context) {
                    guard let k = marks.firstIndex(where: { $0.key == p.market }) else { continue }
                    if p.size.e8 > 0 { sellFlow[k] &+= n.e6 } else { buyFlow[k] &+= n.e6 }
                }
                // Only a tranche that can go before the next budget: none in flight, and the
                // step interval over by then (a scope sends once per interval, not once per
                // budget).
                guard st.state.phase == .liquidating, let pending = st.state.pendingTranche, pending.notional.isPositive, st.state.inFlight == nil,
                      (st.state.nextTrancheAt ?? now) <= horizon else { continue }
                due[pending.market, default: []].append(.init(marginRatioPpm: budgetRatio(rec.account, st.scope), account: id, notional: pending.notional))
            }
        }
        var entries: [Message.LiquidationDemand.Entry] = []
        for m in context.markets.keys.sorted() {
            var list = (due[m] ?? []).sorted { ($0.marginRatioPpm, $0.account) < ($1.marginRatioPpm, $1.account) }
            let truncated = list.count > BudgetCutoff.maxReportedTranches
            if truncated { list.removeLast(list.count - BudgetCutoff.maxReportedTranches) }
            var ratios: [AccountID: Int64] = [:]
            ratios.reserveCapacity(list.count)
            for t in list { ratios[t.account] = min(ratios[t.account] ?? Int64.max, t.marginRatioPpm) }
            if !ratios.isEmpty { reportedDemand[m] = ratios }
            reportedOrder[m] = list
            let k = marks.firstIndex(where: { $0.key == m })
            entries.append(.init(market: m, backlog: Quote(e6: k.map { backlog[$0] } ?? 0), sellFlow: Quote(e6: k.map { sellFlow[$0] } ?? 0), buyFlow: Quote(e6: k.map { buyFlow[$0] } ?? 0),
                                 tranches: list, truncated: truncated))
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
        updateQueuedMoves(b.market)
        var out: [RoleDirective] = []
        // Evaluated now: the waiting scopes this budget admits, and those it leaves out that
        // were below their hard floor when reported (they go to the backstop rather than
        // wait). The others keep waiting without the cost of an evaluation.
        // Both are a prefix of our report, which is sorted worst first: walk it until neither
        // holds (the cost follows what is admitted, not how many wait).
        if var waiting = awaitingBudget.removeValue(forKey: b.market) {
            let floor = context.markets[b.market]?.liquidation.hardFloorMarginRatio.ppm ?? 0
            var chosen: [AccountID] = []
            for t in reportedOrder[b.market] ?? [] {
                guard b.admits(marginRatioPpm: t.marginRatioPpm, account: t.account) || t.marginRatioPpm < floor else { break }
                if waiting.remove(t.account) != nil { chosen.append(t.account) }
            }
            if !waiting.isEmpty { awaitingBudget[b.market] = waiting }
            for id in chosen.sorted() { out += evaluate(id, now: now) }
        }
        if lastBudgetAt != now {
            lastBudgetAt = now
            out.append(demandReport(now: now))
        }
        return out
    }
}

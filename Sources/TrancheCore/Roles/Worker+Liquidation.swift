extension Worker {
    /// Runs the liquidation state machine of every scope of an account and turns its
    /// directives into messages, timers and events.
    ///
    /// A takeover changes the account (part of a position and its clearance fee are gone):
    /// it is re-indexed and evaluated again, up to `depth` more times (each takeover takes
    /// a restoring tranche or the whole position, so this ends).
    mutating func evaluate(_ id: AccountID, now: Instant, depth: Int = 8) -> [RoleDirective] {
        // Taken out while it is worked on (nothing below reads it from `accounts`), so that
        // changing its arrays does not copy them.
        guard var rec = accounts.removeValue(forKey: id) else { return [] }
        evaluations &+= 1
        var scopes = rec.account.scopes
        for s in rec.scopes where s.state.isActive && !scopes.contains(s.scope) { scopes.append(s.scope) }
        if scopes.count > 1 { scopes.sort() }
        var out: [RoleDirective] = []
        var changed = false, tookOver = false
        for scope in scopes {
            var st = rec.state(of: scope)
            let before = st
            let directives: [LiquidationDirective]
            do {
                directives = try st.evaluate(account: rec.account, scope: scope, context: context, policy: policy,
                                             controls: marketControls(for: scope, rec.account), nextSequence: &rec.nextSequence, now: now)
            } catch {
                out.append(.event(ClusterEvent(at: now, kind: .rejected, account: id, scope: scope.description, detail: "cannot evaluate: \(error)")))
                continue
            }
            if st != before {
                rec.setState(st, of: scope)
                // A new pending tranche alone (the plan re-made at a new mark while the scope
                // waits for the budget or its interval) is not stored: it is a cache for the
                // demand report, made again by every evaluation, and a new owner evaluates
                // the scope when it adopts it (`adopt`). Storing it rewrote every waiting
                // account's record on every mark (83-90 % of the state changes evaluations
                // made in `bench-100k.json`).
                if !st.equalsIgnoringPendingTranche(before) { changed = true }
            }
            for d in directives {
                // A takeover changes the account itself: it must reach the store.
                if case .takeover = d { changed = true; tookOver = true }
                out += handle(d, record: &rec, now: now)
            }
        }
        let stillActive = rec.isActive
        accounts[id] = consume rec
        if changed { out += persist(id) } else if stillActive { active.insert(id) } else { active.remove(id) }
        if tookOver {
            reindex(id)
            if depth > 0 { out += evaluate(id, now: now, depth: depth - 1) }
        }
        return out
    }

    /// One directive of a scope's state machine.
    mutating func handle(_ d: LiquidationDirective, record rec: inout AccountRecord, now: Instant) -> [RoleDirective] {
        let id = rec.account.id
        switch d {
        case .marginCall(let scope, let deadline):
            return [.event(ClusterEvent(at: now, kind: .marginCall, account: id, scope: scope.description, detail: "grace window of \((deadline - now).shortDescription) to top up"))]
        case .wake(let at):
            timers.schedule(id, at: at)
            return [.wake(at: at)]
        case .sendTranche(let tid, let plan):
            let st = rec.state(of: plan.scope)
            let size = plan.size
            var f = InFlightTranche(id: tid, scope: plan.scope, orderSide: plan.orderSide, size: size, limitPrice: plan.limitPrice,
                                    markPrice: plan.markPrice, awaitingDecision: false, adlFilled: .zero)
            // Said in the event: below the hard floor the step cap is lifted (what is needed goes at once).
            let floor = context.markets[plan.market]?.liquidation.hardFloorMarginRatio
            let belowFloor = floor.flatMap { f in (try? MarginCalculator.scopeMetrics(rec.account, plan.scope, context)).map { $0.isBelow(hardFloor: f) } } ?? false
            let event = ClusterEvent(at: now, kind: .trancheOrder, account: id, market: plan.market, scope: plan.scope.description,
                                     size: size, price: plan.limitPrice, tranche: tid.sequence,
                                     detail: "\(plan.orderSide == .short ? "sell" : "buy") \(plan.reason.rawValue), tranche \(st.trancheIndex) of ~\(st.trancheEstimate), mark \(plan.markPrice)"
                                        + (belowFloor ? ", below the hard floor: step cap lifted" : ""))
            if plan.reason == .bankrupt {
                // A bankrupt scope: the aggregator decides between the book (the fund pays the
                // deficit) and auto-deleveraging (the fund cannot).
                f.awaitingDecision = true
                rec.inFlight.append(f)
                return [.event(event)] + bankruptcyNotice(rec, f, now: now)
            }
            rec.inFlight.append(f)
            return [.event(event), send(.venue, .trancheOrder(order(f, size: f.size)), now)]
        case .restored(let scope):
            return [.event(ClusterEvent(at: now, kind: .restored, account: id, scope: scope.description))]
        case .halted:
            return []
        case .awaitBudget(_, let market):
            awaitingBudget[market, default: []].insert(id)
            return []
        case .takeover(let scope, let market, let size):
            return takeover(&rec, scope: scope, market: market, size: size, now: now)
        case .finished(let scope, let phase, let deficit):
            let kind: ClusterEvent.Kind = phase == .bankrupt ? .bankrupt : .closed
            return [.event(ClusterEvent(at: now, kind: kind, account: id, scope: scope.description, amount: deficit.isPositive ? deficit : nil,
                                        detail: phase.rawValue))]
        }
    }

    func bankruptcyNotice(_ rec: AccountRecord, _ f: InFlightTranche, now: Instant) -> [RoleDirective] {
        let a = rec.account
        guard let p = a.position(in: f.id.market) else { return [] }
        let metrics = try? MarginCalculator.metrics(a, context)
        let bk = metrics?.positions.first { $0.position.market == f.id.market }?.bankruptcyPrice ?? f.markPrice
        let equity = metrics?.scope(f.scope)?.equity ?? .zero
        let remaining = Size(e8: f.size.e8 - f.adlFilled.e8)
        return [send(.aggregator, .bankruptcyNotice(Message.BankruptcyNotice(
            tranche: f.id, scope: f.scope, positionSide: p.side, size: remaining, bankruptcyPrice: bk, markPrice: f.markPrice,
            expectedDeficit: equity.isNegative ? Quote(e6: -equity.e6) : .zero, at: now)), now)]
    }

    /// Why a venue answer does not match the order in flight under its tranche id (nil when
    /// it does, or when no such order is in flight: then it is ignored anyway).
    func mismatch(_ fill: Message.TrancheFill) -> String? {
        guard let f = accounts[fill.tranche.account]?.inFlight.first(where: { $0.id == fill.tranche }), !f.awaitingDecision else { return nil }
        if fill.filledSize.e8 < 0 || fill.unfilledSize.e8 < 0 { return "negative size" }
        if fill.filledSize.e8 &+ fill.unfilledSize.e8 != f.size.e8 {
            return "filled \(fill.filledSize) + unfilled \(fill.unfilledSize) ≠ ordered \(f.size)"
        }
        if fill.filledSize.isPositive {
            // A sale fills at or above its limit, a purchase at or below.
            let beyond = f.orderSide == .short ? fill.vwap < f.limitPrice : fill.vwap > f.limitPrice
            if fill.vwap.e8 <= 0 || beyond { return "price \(fill.vwap) beyond the limit \(f.limitPrice)" }
        }
        return nil
    }

    /// The venue answered a tranche: apply the fill, report it, advance the state machine.
    mutating func onFill(_ fill: Message.TrancheFill, now: Instant) -> [RoleDirective] {
        if let t = accounts[fill.tranche.account]?.pendingTrade, t.id == fill.tranche { return onTradeFill(fill, t, now: now) }
        let id = fill.tranche.account
        guard var rec = accounts[id], let i = rec.inFlight.firstIndex(where: { $0.id == fill.tranche }), !rec.inFlight[i].awaitingDecision else {
            return []  // not ours (any more), or already applied
        }
        let f = rec.inFlight[i]
        var out: [RoleDirective] = []
        if fill.filledSize.isPositive, fill.vwap.e8 > 0 {
            out += applyLiquidationFill(&rec, f, size: fill.filledSize, price: fill.vwap, tickToOrder: fill.tickToOrder, now: now)
        } else {
            // Nothing filled: still tell the aggregator, which releases what it reserved of
            // the fund for this tranche.
            out.append(fillReport(f.id, filled: .zero, price: f.markPrice, settlement: nil, markAtOrder: f.markPrice, side: f.orderSide, scope: f.scope, now: now))
            if fill.unfilledSize.isPositive {
                out.append(.event(ClusterEvent(at: now, kind: .unfilled, account: id, market: f.id.market, scope: f.scope.description, size: fill.unfilledSize,
                                               price: f.limitPrice, tranche: f.id.sequence, detail: "mark at order \(f.markPrice)", tickToOrder: fill.tickToOrder)))
            }
        }
        rec.inFlight.remove(at: i)
        var st = rec.state(of: f.scope)
        let maxAttempts = context.markets[f.id.market]?.liquidation.maxUnfilledAttempts ?? 3
        let filled = Size(e8: fill.filledSize.e8 + f.adlFilled.e8)
        var belowFloor = false, belowTakeover = false
        if let m = try? MarginCalculator.scopeMetrics(rec.account, f.scope, context), let params = context.markets[f.id.market]?.liquidation {
            belowFloor = m.isBelow(hardFloor: params.hardFloorMarginRatio)
            belowTakeover = m.isBelow(hardFloor: params.takeoverMarginRatio)
        }
        let retry = context.markets[f.id.market].flatMap { policy.retryAfterEmpty($0.liquidation) }
        let directives = st.onFill(id: f.id, filled: filled, requested: Size(e8: f.size.e8 + f.adlFilled.e8), account: rec.account, scope: f.scope, maxUnfilledAttempts: maxAttempts,
                                   belowHardFloor: belowFloor, belowTakeover: belowTakeover, retryAfterEmpty: retry, now: now)
        rec.setState(st, of: f.scope)
        for d in directives { out += handle(d, record: &rec, now: now) }
        accounts[id] = rec
        reindex(id)
        out += persist(id)
        out += evaluate(id, now: now)
        return out
    }

    /// Applies a fill of a trader's tranche and reports its money to the aggregator.
    mutating func applyLiquidationFill(_ rec: inout AccountRecord, _ f: InFlightTranche, size: Size, price: Price, tickToOrder: Duration? = nil, now: Instant) -> [RoleDirective] {
        let id = rec.account.id
        let feeRate = context.markets[f.id.market]?.liquidation.liquidationFeeRate ?? .zero
        let settlement: FillSettlement
        do {
            settlement = try rec.account.applyFill(market: f.id.market, size: size, price: price, liquidationFeeRate: feeRate, context: context)
        } catch {
            return [.event(ClusterEvent(at: now, kind: .rejected, account: id, market: f.id.market, tranche: f.id.sequence, detail: "fill not applicable: \(error)"))]
        }
        var out: [RoleDirective] = [
            send(.aggregator, .ledgerPosting(Message.LedgerPosting(transfers: settlement.transfers, at: now)), now),
            fillReport(f.id, filled: size, price: price, settlement: settlement, markAtOrder: f.markPrice, side: f.orderSide, scope: f.scope, now: now),
        ]
        let notional = (try? size.notional(at: price, .down)) ?? .zero
        var events = [ClusterEvent(at: now, kind: .fill, account: id, market: f.id.market, scope: f.scope.description, size: size, price: price,
                                   amount: notional, tranche: f.id.sequence, detail: "mark at order \(f.markPrice)", tickToOrder: tickToOrder)]
        if settlement.liquidationFee.isPositive {
            events.append(ClusterEvent(at: now, kind: .fee, account: id, market: f.id.market, amount: settlement.liquidationFee, tranche: f.id.sequence))
        }
        if settlement.newDeficit.isPositive {
            events.append(ClusterEvent(at: now, kind: .deficit, account: id, market: f.id.market, scope: f.scope.description, amount: settlement.newDeficit))
        }
        out += events.map { .event($0) }
        return out
    }

    /// The book cannot take the position (empty fills, a spent budget or a halted breaker
    /// below the takeover threshold): close the trader's position at the model price (the
    /// mark) and hand it to the aggregator's backstop. The trader's remaining margin, up to
    /// the position's maintenance requirement, goes to the fund as a clearance fee (what
    /// Binance and Hyperliquid do): it is the cushion that pays for the backstop's unwind.
    mutating func takeover(_ rec: inout AccountRecord, scope: MarginScope, market: MarketID, size requested: Size?, now: Instant) -> [RoleDirective] {
        let id = rec.account.id
        guard let p = rec.account.position(in: market), let mark = context.marks[market], let spec = context.markets[market] else { return [] }
        let held = Size(e8: abs(p.size.e8))
        let model = mark  // the model price: the mark (index plus the clamped basis)
        // The tranche the book could not take, or the whole position when what would be
        // left is dust.
        var size = min(max(requested ?? held, .zero), held)
        if size.isZero || ((try? (held - size).notional(at: model, .down)).map { $0 < spec.liquidation.minTrancheNotional } ?? true) { size = held }
        // Clearance fee rate: the position's maintenance / notional (its effective rate, on
        // the part taken), rounded up; the fee is capped at the scope's equity after the
        // close (never a deficit).
        var clearanceRate = spec.liquidation.liquidationFeeRate
        if let n = try? held.notional(at: model, .up), n.isPositive, let mm = try? spec.maintenance(notional: n),
           let r = try? Checked.mulDiv(mm.e6, Precision.rateScale, n.e6, .up) {
            clearanceRate = Rate(ppm: min(max(r, clearanceRate.ppm), Precision.rateScale - 1))
        }
        // A part of the position: the rest stays with the trader, restored. The fee takes the
        // margin the rest does not need at its target (maintenance + buffer, at the marks),
        // at least the liquidation fee a fill of the tranche would pay. (The maintenance
        // share alone would take more than a scope below maintenance has to spare: the rest
        // would be left bankrupt, and taken over too.)
        var leaving: (equity: Quote, minimumRate: Rate)?
        if size < held {
            var keep = Quote.zero
            for q in rec.account.positions(in: scope) {
                guard let s = context.markets[q.market], let m = context.marks[q.market] else { continue }
                let rest = Size(e8: q.market == market ? held.e8 - size.e8 : abs(q.size.e8))
                if let n = try? rest.notional(at: m, .up), let t = try? s.liquidationTarget(notional: n), let k = try? keep + t { keep = k }
            }
            leaving = (keep, spec.liquidation.liquidationFeeRate)
        }
        let settlement: FillSettlement
        do {
            settlement = try rec.account.applyFill(market: market, size: size, price: model, liquidationFeeRate: clearanceRate,
                                                   pnlReason: .takeover, leaving: leaving, context: context)
        } catch {
            return [.event(ClusterEvent(at: now, kind: .rejected, account: id, market: market, detail: "takeover failed: \(error)"))]
        }
        let tid = TrancheID(account: id, market: market, sequence: rec.nextSequence)
        rec.nextSequence += 1
        var out: [RoleDirective] = [
            send(.aggregator, .ledgerPosting(Message.LedgerPosting(transfers: settlement.transfers, at: now)), now),
            send(.aggregator, .takeoverNotice(Message.TakeoverNotice(tranche: tid, account: id, market: market, size: p.size.e8 > 0 ? size : Size(e8: -size.e8),
                                                                     modelPrice: model, at: now,
                                                                     clearanceFee: settlement.liquidationFee)), now),
            .event(ClusterEvent(at: now, kind: .takeover, account: id, market: market, scope: scope.description, size: p.size.e8 > 0 ? size : Size(e8: -size.e8),
                                price: model, amount: (try? size.notional(at: model, .down)) ?? .zero, tranche: tid.sequence,
                                detail: (controls[market]?.level == .halted ? "breaker halted with the scope below its hard floor" : "the book or the budget could not take the tranche")
                                    + (size == held ? "" : " (part of the position: \(size) of \(held))"))),
        ]
        if settlement.liquidationFee.isPositive {
            out.append(.event(ClusterEvent(at: now, kind: .fee, account: id, market: market, amount: settlement.liquidationFee, tranche: tid.sequence)))
        }
        if settlement.newDeficit.isPositive {
            // Reported like a fill so the aggregator covers it from the fund.
            out.append(fillReport(tid, filled: .zero, price: model, settlement: settlement, markAtOrder: model, side: p.side.opposite, scope: scope, now: now))
            out.append(.event(ClusterEvent(at: now, kind: .deficit, account: id, market: market, scope: scope.description, amount: settlement.newDeficit)))
        }
        var st = rec.state(of: scope)
        for d in st.onTakeover(account: rec.account, scope: scope) { out += handle(d, record: &rec, now: now) }
        rec.setState(st, of: scope)
        return out
    }

    /// The report of a tranche's outcome (or of a takeover's or ADL close's deficit) to the
    /// aggregator: breaker volume, slippage, fee and the deficit the fund must cover.
    func fillReport(_ id: TrancheID, filled: Size, price: Price, settlement: FillSettlement?, markAtOrder: Price, side: Side,
                    scope: MarginScope, now: Instant) -> RoleDirective {
        send(.aggregator, .fillReport(Message.FillReport(tranche: id, filledSize: filled, vwap: price, fee: settlement?.liquidationFee ?? .zero,
                                                         realisedPnl: settlement?.realisedPnl ?? .zero, deficit: settlement?.newDeficit ?? .zero,
                                                         markAtOrder: markAtOrder, at: now, orderSide: side, scope: scope)), now)
    }

    // MARK: - Insurance fund, bankruptcy and ADL

    /// A fund event is for observers only: a worker settles the deficits the fund covered
    /// from the cumulative amount every delivery ack carries (`onDeliveryAck`), which a
    /// lost broadcast cannot make it miss or apply twice.
    func onFundEvent(_ e: Message.InsuranceFundEvent, now: Instant) -> [RoleDirective] { [] }

    /// The aggregator's answer to a bankruptcy notice: the ADL part was already applied
    /// through `AdlInstruction`s; send the rest to the venue, or finish.
    mutating func onBankruptcyDecision(_ d: Message.BankruptcyDecision, now: Instant) -> [RoleDirective] {
        let id = d.tranche.account
        guard holds(id), var rec = accounts[id], let i = rec.inFlight.firstIndex(where: { $0.id == d.tranche }), rec.inFlight[i].awaitingDecision else { return [] }
        rec.inFlight[i].awaitingDecision = false
        let held = rec.account.position(in: d.tranche.market).map { Size(e8: abs($0.size.e8)) } ?? .zero
        let bookSize = min(d.bookSize, held)
        if bookSize.isPositive {
            rec.inFlight[i].size = bookSize
            let f = rec.inFlight[i]
            accounts[id] = rec
            return persist(id) + [send(.venue, .trancheOrder(order(f, size: bookSize)), now)]
        }
        // Everything was deleveraged: complete the tranche as filled.
        accounts[id] = rec
        return onFill(Message.TrancheFill(tranche: d.tranche, filledSize: .zero, vwap: .zero, unfilledSize: .zero, duplicate: false, at: now), now: now)
    }

    /// Our best auto-deleveraging candidates for the aggregator's global pick: profitable
    /// positions on the side needed, ranked, just enough to cover the size needed.
    /// The aggregator's ADL round asks for this worker's best-ranked counterparties, enough
    /// to cover the size needed. Ranking every account on every request made a crash with
    /// thousands of bankruptcies at once quadratic (each round scanned and sorted every
    /// account: tens of seconds at 100,000 accounts). The ranking of a market and side is
    /// now built on the first request after a mark (scores move with the marks) and reused
    /// until the next one; the accounts changed since it was built (every change is
    /// persisted, and `persist` notes them) are recomputed and merged in, so the answer is
    /// the one a full scan would give (checked against one in debug builds).
    mutating func onAdlRequest(_ r: Message.AdlCandidatesRequest, now: Instant) -> [RoleDirective] {
        let picked = adlPicks(market: r.market, side: r.sideNeeded, sizeNeeded: r.sizeNeeded)
        assert(picked == adlPicksByScan(market: r.market, side: r.sideNeeded, sizeNeeded: r.sizeNeeded), "ADL ranking differs from a full scan")
        return [send(.aggregator, .adlCandidates(Message.AdlCandidates(requestID: r.requestID, candidates: picked.map {
            Message.AdlCandidate(account: $0.account, market: $0.market, size: $0.size, entryPrice: $0.entryPrice, score: Rate(ppm: $0.scorePpm))
        })), now)]
    }

    /// An account as a counterparty for `side` in `market`: a profitable position on that
    /// side, the account in no liquidation.
    func adlCandidate(_ rec: AccountRecord, market: MarketID, side: Side) -> ADLCandidate? {
        Self.adlCandidate(rec, market: market, side: side, context: context)
    }

    static func adlCandidate(_ rec: AccountRecord, market: MarketID, side: Side, context: MarginContext) -> ADLCandidate? {
        guard let p = rec.account.position(in: market), p.side == side, !rec.isActive,
              let c = try? AutoDeleveraging.candidate(rec.account, market: market, context: context), c.unrealisedPnl.isPositive else { return nil }
        return c
    }

    /// The best-ranked candidates covering `sizeNeeded`, from the ranking and the changes since.
    mutating func adlPicks(market: MarketID, side: Side, sizeNeeded: Size) -> [ADLCandidate] {
        let key = AdlRankingKey(market: market, side: side)
        // The closures read copies of the table and the context, not `self` (capturing the
        // worker in a mutating method copied all of it on every request).
        let table = accounts, ctx = context
        func candidate(_ rec: AccountRecord) -> ADLCandidate? { Self.adlCandidate(rec, market: market, side: side, context: ctx) }
        if adlRankings[key] == nil {
            let ranked = AutoDeleveraging.rank(table.values.compactMap(candidate), bankruptSide: side.opposite, market: market)
            adlRankings[key] = AdlRanking(ranked: ranked)
        }
        let ranking = adlRankings[key]!
        let fresh = AutoDeleveraging.rank(ranking.dirty.compactMap { table[$0].flatMap(candidate) },
                                          bankruptSide: side.opposite, market: market)
        var picked: [ADLCandidate] = []
        var covered: Int64 = 0, i = 0, j = 0
        while covered < sizeNeeded.e8 {
            while i < ranking.ranked.count, ranking.dirty.contains(ranking.ranked[i].account) { i += 1 }
            let a = i < ranking.ranked.count ? ranking.ranked[i] : nil, b = j < fresh.count ? fresh[j] : nil
            let next: ADLCandidate
            if let a, let b { next = AutoDeleveraging.ranksBefore(b, a) ? b : a } else if let c = a ?? b { next = c } else { break }
            if let b, next.account == b.account { j += 1 } else { i += 1 }
            picked.append(next)
            covered += abs(next.size.e8)
        }
        return picked
    }

    /// What a full scan of every account gives (the reference `adlPicks` is checked against).
    func adlPicksByScan(market: MarketID, side: Side, sizeNeeded: Size) -> [ADLCandidate] {
        let ranked = AutoDeleveraging.rank(accounts.values.compactMap { adlCandidate($0, market: market, side: side) }, bankruptSide: side.opposite, market: market)
        var picked: [ADLCandidate] = []
        var covered: Int64 = 0
        for c in ranked where covered < sizeNeeded.e8 {
            picked.append(c)
            covered += abs(c.size.e8)
        }
        return picked
    }

    /// An account changed (or left): the rankings recompute it at their next use.
    mutating func adlChanged(_ id: AccountID) {
        guard !adlRankings.isEmpty else { return }
        for k in adlRankings.keys { adlRankings[k]!.dirty.insert(id) }
    }

    /// Close part of a position at the bankruptcy price: as a deleveraged counterparty, or
    /// as the bankrupt account itself.
    mutating func onAdlInstruction(_ ins: Message.AdlInstruction, now: Instant) -> [RoleDirective] {
        let id = ins.account
        // Not ours: the owner answers. Ours: applied once per round, answered every time.
        guard holds(id), var rec = accounts[id] else { return [] }
        let applied = send(.aggregator, .adlApplied(Message.AdlApplied(requestID: ins.requestID, account: id)), now)
        if rec.appliedAdlRounds.contains(ins.requestID) { return [applied] }
        rec.rememberAdl(ins.requestID)
        guard let p = rec.account.position(in: ins.market), case let size = min(ins.size, Size(e8: abs(p.size.e8))), size.isPositive else {
            // Nothing left to close (closed meanwhile): nothing to apply, but answered.
            accounts[id] = rec
            return persist(id) + [applied]
        }
        let settlement: FillSettlement
        do {
            settlement = try rec.account.applyFill(market: ins.market, size: size, price: ins.price, pnlReason: .autoDeleverage, context: context)
        } catch {
            // Refused (it changed nothing): remembered as answered, so it is not retried.
            accounts[id]?.rememberAdl(ins.requestID)
            return persist(id) + [applied, .event(ClusterEvent(at: now, kind: .rejected, account: id, market: ins.market, detail: "ADL close failed: \(error)"))]
        }
        var out: [RoleDirective] = [send(.aggregator, .ledgerPosting(Message.LedgerPosting(transfers: settlement.transfers, at: now)), now)]
        if ins.bankruptAccount == id {
            if let i = rec.inFlight.firstIndex(where: { $0.id.market == ins.market && $0.awaitingDecision }) {
                rec.inFlight[i].adlFilled = Size(e8: rec.inFlight[i].adlFilled.e8 + size.e8)
            }
            if settlement.newDeficit.isPositive {
                out.append(fillReport(TrancheID(account: id, market: ins.market, sequence: 0), filled: .zero, price: ins.price, settlement: settlement,
                                      markAtOrder: ins.price, side: p.side.opposite, scope: p.mode == .cross ? .cross : .isolated(ins.market), now: now))
            }
        } else {
            out.append(.event(ClusterEvent(at: now, kind: .adl, account: id, market: ins.market, size: size, price: ins.price,
                                           amount: settlement.realisedPnl, detail: "deleveraged against bankrupt account \(ins.bankruptAccount)")))
        }
        accounts[id] = rec
        reindex(id)
        out += persist(id)
        out.append(applied)
        if ins.bankruptAccount != id { out += evaluate(id, now: now) }
        return out
    }
}

/// Which ranking: a market and the side the counterparties hold.
struct AdlRankingKey: Hashable, Sendable {
    var market: MarketID
    var side: Side
}

/// A worker's candidates ranked at one mark, and the accounts changed since.
struct AdlRanking: Sendable {
    var ranked: [ADLCandidate]
    var dirty: Set<AccountID> = []
}

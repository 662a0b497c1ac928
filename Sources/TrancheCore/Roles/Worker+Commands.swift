extension Worker {
    /// A client command routed by the coordinator: applied if this worker owns the
    /// account's shard, answered with the account's view, made durable, reported.
    mutating func onCommand(_ envelope: Envelope, now: Instant) -> [RoleDirective] {
        let id: AccountID
        switch envelope.body {
        case .openAccount(let c): id = c.account
        case .deposit(let c): id = c.account
        case .withdraw(let c): id = c.account
        case .submitPosition(let c): id = c.account
        case .reducePosition(let c): id = c.account
        case .closePosition(let c): id = c.account
        case .showAccount(let c): id = c.account
        default: return []
        }
        func reply(_ r: Message.CommandReply) -> RoleDirective {
            send(.coordinator, .commandReply(r), now, correlation: envelope.correlationID)
        }
        guard owns(id) else {
            return [reply(Message.CommandReply(errorCode: .notOwner, errorMessage: "worker \(configuration.id) does not own shard \(shard(of: id)) (any more); retry"))]
        }
        if case .openAccount(let c) = envelope.body {
            if let existing = accounts[id], existing.applied(origin: envelope.origin, requestID: envelope.requestID) {
                return [reply(.ok(view(existing)))]
            }
            guard accounts[id] == nil else { return [reply(Message.CommandReply(errorCode: .accountExists, errorMessage: "account \(id) already exists"))] }
            guard id != Backstop.accountID, id.rawValue != 0 else {
                return [reply(Message.CommandReply(errorCode: .invalidArgument, errorMessage: id.rawValue == 0 ? "account ids are positive integers, got 0" : "account id \(id) is reserved (the backstop)"))]
            }
            guard !c.initialCollateral.isNegative else { return [reply(Message.CommandReply(errorCode: .invalidArgument, errorMessage: "initial collateral must not be negative"))] }
            if let refusal = Self.amountRefusal(c.initialCollateral, "initial collateral") { return [reply(refusal)] }
            accounts[id] = AccountRecord(account: Account(id: id))
        }
        guard var rec = accounts[id] else {
            return [reply(Message.CommandReply(errorCode: .unknownAccount, errorMessage: "no account \(id)"))]
        }
        if case .showAccount = envelope.body { return [reply(.ok(view(rec)))] }
        // A retry of a request already applied: the original outcome, nothing applied again.
        if rec.applied(origin: envelope.origin, requestID: envelope.requestID) { return [reply(.ok(view(rec)))] }
        if rec.outbox.count >= configuration.maxUnacknowledged {
            return [reply(Message.CommandReply(errorCode: .busy, errorMessage: "account \(id) has \(rec.outbox.count) money messages the aggregator has not acknowledged yet; retry shortly"))]
        }
        // One order at the venue at a time per account; deposits go through meanwhile.
        if let t = rec.pendingTrade, !isDeposit(envelope.body) {
            return [reply(Message.CommandReply(errorCode: .busy, errorMessage: "account \(id) has an order at the venue (\(t.kind.rawValue) \(t.size) \(t.id.market)); retry shortly"))]
        }
        // Trades execute at the venue: answered when the venue's fill comes back.
        switch envelope.body {
        case .submitPosition(let c) where !c.importAt: return startTrade(envelope, rec, now: now)
        case .reducePosition, .closePosition: return startTrade(envelope, rec, now: now)
        default: break
        }

        var transfers: [LedgerTransfer] = []
        var detail = ""
        do {
            switch envelope.body {
            case .openAccount(let c):
                detail = "open account, collateral \(c.initialCollateral)"
                if c.initialCollateral.isPositive { transfers = try rec.account.deposit(c.initialCollateral) }
            case .deposit(let c):
                detail = "deposit \(c.amount)"
                if let refusal = Self.amountRefusal(c.amount, "amount") { return [reply(refusal)] }
                if let after = try? Checked.add(rec.account.collateral.e6, c.amount.e6), after > WorkerConfiguration.maxCollateral.e6 {
                    return [reply(Message.CommandReply(errorCode: .invalidArgument, errorMessage: "an account holds at most \(WorkerConfiguration.maxCollateral) of collateral"))]
                }
                transfers = try rec.account.deposit(c.amount)
            case .withdraw(let c):
                detail = "withdraw \(c.amount)"
                if let refusal = Self.amountRefusal(c.amount, "amount") { return [reply(refusal)] }
                if rec.isActive { return [reply(busy(id))] }
                transfers = try rec.account.withdraw(c.amount, context: context)
            case .submitPosition(let c):
                // A position opened elsewhere, booked as given: the operator's alone.
                if rec.isActive { return [reply(busy(id))] }
                guard configuration.openAccess || Self.isOperator(envelope.origin) else {
                    return [reply(Message.CommandReply(errorCode: .permissionDenied, errorMessage: "importing a position at a given price needs the operator's key"))]
                }
                guard c.entryPrice.e8 > 0 else { return [reply(Message.CommandReply(errorCode: .invalidArgument, errorMessage: "an imported position needs its positive entry price"))] }
                if let refusal = Self.amountRefusal(c.isolatedMargin, "isolated margin") { return [reply(refusal)] }
                detail = "import \(c.side.rawValue) \(c.size) \(c.market) at \(c.entryPrice) \(c.marginMode.rawValue)"
                transfers = try rec.account.submit(market: c.market, side: c.side, size: c.size, entryPrice: c.entryPrice, mode: c.marginMode,
                                                   isolatedMargin: c.marginMode == .isolated && c.isolatedMargin.isPositive ? c.isolatedMargin : nil,
                                                   context: context)
            default:
                return []
            }
        } catch {
            // Every step above throws TradingRejection alone (typed throws).
            if case .openAccount = envelope.body { accounts[id] = nil }
            return [reply(Self.reply(for: error))]
        }
        rec.remember(origin: envelope.origin, requestID: envelope.requestID)
        accounts[id] = rec
        reindex(id)
        var out: [RoleDirective] = []
        if !transfers.isEmpty { out.append(send(.aggregator, .ledgerPosting(Message.LedgerPosting(transfers: transfers, at: now)), now)) }
        out.append(.event(ClusterEvent(at: now, kind: .command, account: id, detail: detail)))
        out += persist(id)
        out += evaluate(id, now: now)
        out.append(reply(.ok(view(accounts[id]!))))
        return out
    }

    /// A trade's price: the mark (every client trade fills there, rounded to the tick
    /// against the trader), if the order's limit (zero: none) allows it and lies within
    /// `tradePriceBand` of the mark. No price a client writes is ever booked.
    func tradePrice(_ market: MarketID, buying: Bool, limit: Price) -> Result<Price, Refusal> {
        guard let spec = context.markets[market] else {
            return .failure(Refusal(errorCode: .unknownMarket, errorMessage: "unknown market \(market)"))
        }
        guard let published = context.marks[market], published.e8 > 0,
              // On the market's tick, rounded against the trader: a buy up, a sell down.
              let mark = try? published.rounded(toTick: spec.tickSize, buying ? .up : .down), mark.e8 > 0 else {
            return .failure(Refusal(errorCode: .unavailable, errorMessage: "no mark price for \(market) yet; retry once the venue has published one"))
        }
        if limit.e8 == 0 { return .success(mark) }
        guard limit.e8 > 0 else { return .failure(Refusal(errorCode: .invalidArgument, errorMessage: "limit price \(limit) must be positive")) }
        // |limit - mark| / mark within the band (exact, in 128 bits).
        let distance = Int128(limit.e8) - Int128(mark.e8)
        if distance.magnitude * UInt128(Precision.rateScale) > UInt128(mark.e8) * UInt128(configuration.tradePriceBand.ppm) {
            return .failure(Refusal(errorCode: .invalidArgument, errorMessage:
                "limit price \(limit) is more than \(configuration.tradePriceBand) from the mark \(mark): orders fill at the mark, with a limit within the band"))
        }
        if buying ? mark > limit : mark < limit {
            return .failure(Refusal(errorCode: .invalidArgument, errorMessage:
                "the mark \(mark) is \(buying ? "above" : "below") the limit \(limit): not filled (give a limit within \(configuration.tradePriceBand) of the mark, or none)"))
        }
        return .success(mark)
    }

    /// A command refused with this reply (as an `Error`, for `Result`).
    struct Refusal: Error {
        var reply: Message.CommandReply
        init(errorCode: ErrorCode, errorMessage: String) { reply = Message.CommandReply(errorCode: errorCode, errorMessage: errorMessage) }
    }

    /// A refusal for an amount beyond what one command may move (nil: within).
    static func amountRefusal(_ amount: Quote, _ name: String) -> Message.CommandReply? {
        guard amount > WorkerConfiguration.maxCommandAmount else { return nil }
        return Message.CommandReply(errorCode: .invalidArgument, errorMessage: "\(name) \(amount) is more than one command may move (\(WorkerConfiguration.maxCommandAmount))")
    }

    /// Whether a routed command came from the operator (the coordinator sets `origin` to
    /// the authenticated client).
    static func isOperator(_ origin: String) -> Bool {
        guard let node = NodeID(origin), case .client(let name) = node else { return false }
        return name.prefix { $0 != "/" } == Message.ClientGrant.operatorName
    }

    /// This worker's part of `tranche account list`: the accounts it owns that match, lowest
    /// ids first, at most the request's limit (and whether more matched).
    func listAccounts(_ r: Message.AccountListRequest) -> Message.AccountList {
        let limit = r.effectiveLimit
        var found: [Message.AccountListing] = []
        var truncated = false
        for id in accounts.keys.sorted() where owns(id) {
            let rec = accounts[id]!
            if r.liquidatingOnly && !(rec.isActive || rec.scopes.contains { $0.state.phase != .healthy }) { continue }
            if let m = r.market, rec.account.position(in: m) == nil { continue }
            guard found.count < limit else { truncated = true; break }
            found.append(Message.AccountListing(workerID: configuration.id, account: view(rec)))
        }
        return Message.AccountList(accounts: found, truncated: truncated)
    }

    func busy(_ id: AccountID) -> Message.CommandReply {
        Message.CommandReply(errorCode: .liquidationInProgress, errorMessage: "account \(id) is being liquidated; only deposits are accepted until it ends")
    }

    /// The wire reply for a rejection, with the numbers the trader needs.
    static func reply(for r: TradingRejection) -> Message.CommandReply {
        switch r {
        case .insufficientMargin(let required, let available):
            return Message.CommandReply(errorCode: .insufficientMargin, errorMessage: r.description, required: required, available: available)
        case .insufficientCollateral(let required, let available):
            return Message.CommandReply(errorCode: .insufficientCollateral, errorMessage: r.description, required: required, available: available)
        case .invalidAmount, .invalidSize, .invalidPrice, .marginModeMismatch, .oppositeSide, .sizeExceedsPosition:
            return Message.CommandReply(errorCode: .invalidArgument, errorMessage: r.description)
        case .positionNotFound:
            return Message.CommandReply(errorCode: .positionNotFound, errorMessage: r.description)
        case .margin(.unknownMarket):
            return Message.CommandReply(errorCode: .unknownMarket, errorMessage: r.description)
        case .margin(.missingMark):
            return Message.CommandReply(errorCode: .unavailable, errorMessage: "\(r.description) yet; retry once the venue has published one")
        case .margin(.arithmetic):
            return Message.CommandReply(errorCode: .invalidArgument, errorMessage: r.description)
        }
    }

    /// The account as `account show` prints it.
    func view(_ rec: AccountRecord) -> Message.AccountView {
        let a = rec.account
        let worst = rec.scopes.filter { $0.state.isActive }.max { $0.state.trancheIndex < $1.state.trancheIndex }
            ?? rec.scopes.first { $0.state.phase != .healthy }
        let phase = worst?.state.phase ?? .healthy
        guard let m = try? MarginCalculator.metrics(a, context) else {
            return Message.AccountView(account: a.id, collateral: a.collateral, equity: a.collateral, maintenance: .zero, initial: .zero,
                                       marginRatio: nil, freeCollateral: .zero, withdrawable: .zero, phase: phase,
                                       positions: a.positions.map {
                                           Message.PositionView(market: $0.market, size: $0.size, entryPrice: $0.entryPrice, markPrice: .zero, notional: .zero,
                                                                unrealisedPnl: .zero, maintenance: .zero, liquidationPrice: nil, bankruptcyPrice: nil,
                                                                marginMode: $0.mode, isolatedMargin: $0.isolatedMargin)
                                       })
        }
        let maintenance = Quote(e6: m.cross.maintenance.e6 + m.isolated.reduce(0) { $0 + $1.maintenance.e6 })
        let initial = Quote(e6: m.cross.initialRequirement.e6 + m.isolated.reduce(0) { $0 + $1.initialRequirement.e6 })
        let ratio: Rate? = maintenance.isPositive ? Rate(ppm: (try? Checked.mulDiv(m.totalEquity.e6, Precision.rateScale, maintenance.e6, .down)) ?? 0) : nil
        return Message.AccountView(
            account: a.id, collateral: a.collateral, equity: m.totalEquity, maintenance: maintenance, initial: initial, marginRatio: ratio,
            freeCollateral: m.freeCollateral, withdrawable: m.withdrawable, phase: phase,
            trancheIndex: UInt32(worst?.state.trancheIndex ?? 0), trancheCount: UInt32(worst?.state.trancheEstimate ?? 0),
            positions: m.positions.map { p in
                // The ratio of the position's own scope (rounded down, as every ratio).
                let scope: MarginScope = p.position.mode == .cross ? .cross : .isolated(p.position.market)
                let ratio = m.scope(scope).flatMap { s -> Rate? in
                    guard s.maintenance.isPositive, let r = try? Checked.mulDiv(s.equity.e6, Precision.rateScale, s.maintenance.e6, .down) else { return nil }
                    return Rate(ppm: r)
                }
                return Message.PositionView(market: p.position.market, size: p.position.size, entryPrice: p.position.entryPrice, markPrice: p.mark,
                                            notional: p.notional, unrealisedPnl: p.unrealisedPnl, maintenance: p.maintenance,
                                            liquidationPrice: p.liquidationPrice, bankruptcyPrice: p.bankruptcyPrice,
                                            marginMode: p.position.mode, isolatedMargin: p.position.isolatedMargin, scopeRatio: ratio)
            })
    }

    // MARK: - Shards

    mutating func onAssignment(_ a: Message.ShardAssignment, now: Instant) -> [RoleDirective] {
        guard a.workerID == configuration.id, a.epoch >= epoch else { return [] }
        epoch = a.epoch
        var assigned: [Int: UInt64] = [:]
        for (i, s) in a.shards.enumerated() { assigned[Int(s)] = a.epoch(at: i) }
        var out: [RoleDirective] = []
        // Shards no longer ours, or ours under another epoch (someone else may have owned
        // them in between, as when this worker was cut off and declared dead): forget their
        // accounts; the store has them, and the owner loads them afresh.
        for s in shards.keys.sorted() where assigned[s] != shards[s] {
            shards[s] = nil
            loading.remove(s)
            loadRequestedAt[s] = nil
            for id in accounts.keys.sorted() where shard(of: id) == s { drop(id) }
        }
        for (s, e) in assigned.sorted(by: { $0.key < $1.key }) where shards[s] == nil {
            shards[s] = e
            loading.insert(s)
            loadRequestedAt[s] = now
            out.append(.loadShard(shard: s, epoch: e))
        }
        return out
    }

    /// The store refused our writes to these shards: a newer owner holds them (we were cut
    /// off and declared dead, and did not hear of it). Drop them at once, so nothing more
    /// is said for their accounts; our next assignment says what we own.
    public mutating func onFenced(shards fenced: [Int], now: Instant) -> [RoleDirective] {
        for s in fenced where shards[s] != nil {
            shards[s] = nil
            loading.remove(s)
            loadRequestedAt[s] = nil
            for id in accounts.keys.sorted() where shard(of: id) == s { drop(id) }
        }
        return []
    }

    mutating func drop(_ id: AccountID) {
        accounts[id] = nil
        adlChanged(id)
        active.remove(id)
        lastSentAt[id] = nil
        for m in context.markets.keys {
            index.remove(LiquidationIndex.Key(account: id, market: m))
            multiMarket[m]?.remove(id)
            watch[m]?.remove(id)
        }
    }
}

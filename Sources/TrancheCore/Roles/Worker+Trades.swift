extension Worker {
    func isDeposit(_ body: MessageBody) -> Bool {
        if case .deposit = body { return true }
        return false
    }

    /// A client's submit, reduce or close: a market order at the venue with a limit (the
    /// client's, within `tradePriceBand` of the mark, or the band's edge). Checked at the
    /// mark first, so what the account cannot take is refused before anything is sent;
    /// durable in the record as its `pendingTrade`; answered when the venue's fill comes
    /// back (`onTradeFill`), at the fill's price. No price a client writes is ever booked.
    mutating func startTrade(_ envelope: Envelope, _ record: AccountRecord, now: Instant) -> [RoleDirective] {
        func reply(_ r: Message.CommandReply) -> [RoleDirective] { [send(.coordinator, .commandReply(r), now, correlation: envelope.correlationID)] }
        var rec = record
        let id = rec.account.id
        if rec.isActive { return reply(busy(id)) }
        let kind: PendingTrade.Kind
        let market: MarketID
        let orderSide: Side
        let size: Size
        let limit: Price
        var mode = MarginMode.cross
        var isolatedMargin = Quote.zero
        switch envelope.body {
        case .submitPosition(let c):
            (kind, market, orderSide, size, limit, mode) = (.submit, c.market, c.side, c.size, c.entryPrice, c.marginMode)
            if c.marginMode == .isolated && c.isolatedMargin.isPositive { isolatedMargin = c.isolatedMargin }
            if let refusal = Self.amountRefusal(c.isolatedMargin, "isolated margin") { return reply(refusal) }
        case .reducePosition(let c):
            guard let p = rec.account.position(in: c.market) else { return reply(Self.reply(for: .positionNotFound(c.market))) }
            (kind, market, orderSide, size, limit) = (.reduce, c.market, p.size.e8 < 0 ? .long : .short, c.size, c.price)
        case .closePosition(let c):
            guard let p = rec.account.position(in: c.market), let magnitude = try? p.size.magnitude() else { return reply(Self.reply(for: .positionNotFound(c.market))) }
            (kind, market, orderSide, size, limit) = (.close, c.market, p.size.e8 < 0 ? .long : .short, magnitude, c.price ?? Price(e8: 0))
        default:
            return []
        }
        guard size.isPositive else { return reply(Message.CommandReply(errorCode: .invalidArgument, errorMessage: "size must be positive, got \(size)")) }
        let buying = orderSide == .long
        let mark: Price
        switch tradePrice(market, buying: buying, limit: limit) {
        case .success(let p): mark = p
        case .failure(let r): return reply(r.reply)
        }
        // What the account could not take at the mark is refused now, not after the venue filled it.
        var trial = rec.account
        do {
            _ = try trade(&trial, kind, market: market, side: orderSide, size: size, price: mark, mode: mode, isolatedMargin: isolatedMargin)
        } catch let r as TradingRejection {
            return reply(Self.reply(for: r))
        } catch {
            return reply(Message.CommandReply(errorCode: .internal, errorMessage: "\(error)"))
        }
        guard let orderLimit = limit.e8 > 0 ? limit : bandEdge(mark, market: market, buying: buying) else {
            return reply(Message.CommandReply(errorCode: .invalidArgument, errorMessage: "no price within the band of the mark \(mark)"))
        }
        let tid = TrancheID(account: id, market: market, sequence: rec.nextSequence)
        rec.nextSequence += 1
        rec.pendingTrade = PendingTrade(id: tid, kind: kind, orderSide: orderSide, size: size, limitPrice: orderLimit, markPrice: mark, marginMode: mode,
                                        isolatedMargin: isolatedMargin, origin: envelope.origin, requestID: envelope.requestID, correlation: envelope.correlationID)
        accounts[id] = rec
        return persist(id) + [
            .event(ClusterEvent(at: now, kind: .command, account: id, market: market, size: size, price: orderLimit,
                                detail: "\(kind.rawValue): \(buying ? "buy" : "sell") \(size) \(market) at the venue, limit \(orderLimit), mark \(mark)")),
            send(.venue, .trancheOrder(tradeOrder(rec.pendingTrade!)), now),
        ]
    }

    /// Books a trade on an account: a submit opens or adds (initial margin checked), a
    /// reduce or close fills against the position (taker fee). Used to check an order at
    /// the mark before it is sent, and to apply its fill.
    func trade(_ account: inout Account, _ kind: PendingTrade.Kind, market: MarketID, side: Side, size: Size, price: Price,
               mode: MarginMode, isolatedMargin: Quote) throws -> [LedgerTransfer] {
        switch kind {
        case .submit:
            return try account.submit(market: market, side: side, size: size, entryPrice: price, mode: mode,
                                      isolatedMargin: isolatedMargin.isPositive ? isolatedMargin : nil, context: context)
        case .reduce, .close:
            return try account.applyFill(market: market, size: size, price: price, takerFeeRate: context.markets[market]?.takerFeeRate ?? .zero, context: context).transfers
        }
    }

    func tradeOrder(_ t: PendingTrade) -> Message.TrancheOrder {
        Message.TrancheOrder(tranche: t.id, side: t.orderSide, size: t.size, limitPrice: t.limitPrice, markPrice: t.markPrice,
                             epoch: epoch, shard: UInt32(shard(of: t.id.account)))
    }

    /// The band's edge on the trader's side of the mark, on the tick: a buy pays at most
    /// mark × (1 + band) (rounded down), a sell takes at least mark × (1 − band) (rounded up).
    func bandEdge(_ mark: Price, market: MarketID, buying: Bool) -> Price? {
        guard let tick = context.markets[market]?.tickSize else { return nil }
        let delta = Int128(mark.e8) * Int128(configuration.tradePriceBand.ppm) / Int128(Precision.rateScale)
        let edge = buying ? Int128(mark.e8) + delta : Int128(mark.e8) - delta
        guard edge > 0, edge <= Int128(Int64.max), let p = try? Price(e8: Int64(edge)).rounded(toTick: tick, buying ? .down : .up), p.e8 > 0 else { return nil }
        return p
    }

    /// The venue answered a client's trade: apply what filled (at the fill's price on the
    /// tick, against the trader), remember the request, answer the client.
    mutating func onTradeFill(_ fill: Message.TrancheFill, _ t: PendingTrade, now: Instant) -> [RoleDirective] {
        let id = t.id.account
        guard var rec = accounts[id] else { return [] }
        if fill.filledSize.e8 < 0 || fill.unfilledSize.e8 < 0 || fill.filledSize.e8 &+ fill.unfilledSize.e8 != t.size.e8
            || (fill.filledSize.isPositive && (fill.vwap.e8 <= 0 || (t.orderSide == .long ? fill.vwap > t.limitPrice : fill.vwap < t.limitPrice))) {
            return [.event(ClusterEvent(at: now, kind: .rejected, account: id, market: t.id.market, tranche: t.id.sequence,
                                        detail: "venue answer to a trade not applied: filled \(fill.filledSize) + \(fill.unfilledSize) of \(t.size) at \(fill.vwap), limit \(t.limitPrice)"))]
        }
        rec.pendingTrade = nil
        inFlightSentAt[t.id] = nil
        var out: [RoleDirective] = []
        var answer: Message.CommandReply
        let buying = t.orderSide == .long
        if fill.filledSize.isPositive, let tick = context.markets[t.id.market]?.tickSize, let price = try? fill.vwap.rounded(toTick: tick, buying ? .up : .down) {
            var trial = rec.account
            do {
                let transfers = try trade(&trial, t.kind, market: t.id.market, side: t.orderSide, size: fill.filledSize, price: price,
                                          mode: t.marginMode, isolatedMargin: t.isolatedMargin)
                rec.account = trial
                rec.remember(origin: t.origin, requestID: t.requestID)
                if !transfers.isEmpty { out.append(send(.aggregator, .ledgerPosting(Message.LedgerPosting(transfers: transfers, at: now)), now)) }
                let partial = fill.unfilledSize.isPositive ? "; \(fill.unfilledSize) found nothing within the limit \(t.limitPrice)" : ""
                out.append(.event(ClusterEvent(at: now, kind: .command, account: id, market: t.id.market, size: fill.filledSize, price: price,
                                               detail: "\(t.kind.rawValue): \(buying ? "bought" : "sold") \(fill.filledSize) at \(price) (venue average \(fill.vwap), mark at order \(t.markPrice))\(partial)")))
                answer = Message.CommandReply(errorCode: .ok, errorMessage: fill.unfilledSize.isPositive ? "filled \(fill.filledSize) of \(t.size) at \(price)\(partial)" : "")
            } catch let r as TradingRejection {
                // The book moved between the check at the mark and the fill.
                answer = Self.reply(for: r)
                out.append(.event(ClusterEvent(at: now, kind: .rejected, account: id, market: t.id.market, tranche: t.id.sequence, detail: "trade fill not applicable: \(r)")))
            } catch {
                answer = Message.CommandReply(errorCode: .internal, errorMessage: "\(error)")
            }
        } else {
            answer = Message.CommandReply(errorCode: .invalidArgument, errorMessage:
                "not filled: the venue's book had nothing within the limit \(t.limitPrice) (mark at order \(t.markPrice))")
        }
        accounts[id] = rec
        reindex(id)
        out += persist(id)
        out += evaluate(id, now: now)
        if answer.errorCode == .ok { answer.account = view(accounts[id]!) }
        out.append(send(.coordinator, .commandReply(answer), now, correlation: t.correlation))
        return out
    }
}

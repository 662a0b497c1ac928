/// The money effects of a fill on one position.
public struct FillSettlement: Sendable, Equatable {
    public var market: MarketID
    public var size: Size
    public var price: Price
    /// PnL realised by the fill, rounded down.
    public var realisedPnl: Quote
    /// Liquidation fee actually charged (capped so it never creates a deficit).
    public var liquidationFee: Quote
    /// Taker fee charged (trader's own trades only).
    public var takerFee: Quote
    /// Deficit that arose because the fill closed the scope's last position with a
    /// negative balance; moved to `unsettledDeficit`, to be covered by the fund or ADL.
    public var newDeficit: Quote
    /// The ledger transfers that mirror the change.
    public var transfers: [LedgerTransfer]
}

extension Account {
    /// Adds collateral from outside.
    public mutating func deposit(_ amount: Quote) throws(TradingRejection) -> [LedgerTransfer] {
        guard amount.isPositive else { throw .invalidAmount("a deposit must be positive, got \(amount)") }
        collateral = try tradingArith { () throws(ArithmeticError) in try collateral + amount }
        return [LedgerTransfer(from: .external, to: .trader(id), amount: amount, reason: .deposit, account: id)]
    }

    /// Withdraws collateral: at most collateral + unrealised losses − cross initial
    /// requirement (unrealised profits cannot be withdrawn).
    public mutating func withdraw(_ amount: Quote, context ctx: MarginContext) throws(TradingRejection) -> [LedgerTransfer] {
        guard amount.isPositive else { throw .invalidAmount("a withdrawal must be positive, got \(amount)") }
        let m = try trading { () throws(MarginError) in try MarginCalculator.metrics(self, ctx) }
        let available = unsettledDeficit.isPositive ? .zero : m.withdrawable
        guard amount <= available else { throw .insufficientCollateral(required: amount, available: available) }
        collateral = try tradingArith { () throws(ArithmeticError) in try collateral - amount }
        return [LedgerTransfer(from: .trader(id), to: .external, amount: amount, reason: .withdrawal, account: id)]
    }

    /// Opens or increases a position at `entryPrice`, after the initial-margin check:
    /// - cross: after the change (taker fee paid), cross equity ≥ cross initial requirement;
    /// - isolated: `isolatedMargin` (default: the initial requirement of the new notional,
    ///   rounded up) moves from collateral into the position; it must not exceed free
    ///   collateral, and margin + PnL at the mark must cover the position's initial requirement.
    public mutating func submit(market: MarketID, side: Side, size: Size, entryPrice: Price, mode: MarginMode,
                                isolatedMargin: Quote? = nil, context ctx: MarginContext) throws(TradingRejection) -> [LedgerTransfer] {
        let spec = try trading { () throws(MarginError) in try ctx.market(market) }
        let mark = try trading { () throws(MarginError) in try ctx.mark(market) }
        guard size.isPositive else { throw .invalidSize("must be positive, got \(size)") }
        guard size.e8 % spec.stepSize.e8 == 0 else { throw .invalidSize("\(size) is not a multiple of the step \(spec.stepSize)") }
        guard entryPrice.e8 > 0 else { throw .invalidPrice("must be positive, got \(entryPrice)") }
        guard entryPrice.e8 % spec.tickSize.e8 == 0 else { throw .invalidPrice("\(entryPrice) is not a multiple of the tick \(spec.tickSize)") }
        if let margin = isolatedMargin, margin.isNegative || mode == .cross && margin.isPositive {
            throw .invalidAmount("isolated margin \(margin) is only for isolated positions and must not be negative")
        }
        let existing = position(in: market)
        if let e = existing {
            if e.mode != mode { throw .marginModeMismatch(market: market, existing: e.mode) }
            if e.side != side { throw .oppositeSide(market: market) }
        }
        let before = self
        var after = self
        let transfers: [LedgerTransfer] = try tradingArith { () throws(ArithmeticError) in
            let signed = side == .long ? size : try -size
            var p = existing ?? Position(market: market, size: .zero, entryPrice: entryPrice, mode: mode)
            let newSize = try p.size + signed
            // Average entry, rounded against the trader: up for a long, down for a short.
            let value = Int128(p.size.e8) * Int128(p.entryPrice.e8) + Int128(signed.e8) * Int128(entryPrice.e8)
            p.entryPrice = Price(e8: try Checked.narrow(Checked.divide(value, Int128(newSize.e8), side == .long ? .up : .down)))
            p.size = newSize
            let fee = try size.notional(at: entryPrice, .up).times(spec.takerFeeRate, .up)
            after.collateral = try after.collateral - fee
            if mode == .isolated {
                var margin = isolatedMargin ?? .zero
                if isolatedMargin == nil { margin = try spec.initialRequirement(notional: size.notional(at: mark, .up)) }
                after.collateral = try after.collateral - margin
                p.isolatedMargin = try p.isolatedMargin + margin
            }
            after.setPosition(p)
            return fee.isPositive ? [LedgerTransfer(from: .trader(id), to: .fees, amount: fee, reason: .tradingFee, account: id)] : []
        }
        if mode == .cross {
            let m = try trading { () throws(MarginError) in try MarginCalculator.scopeMetrics(after, .cross, ctx) }
            if m.equity < m.initialRequirement { throw .insufficientMargin(required: m.initialRequirement, available: max(m.equity, .zero)) }
        } else {
            // The isolated margin (and fee) must come out of free cross collateral...
            let free = try trading { () throws(MarginError) in try MarginCalculator.metrics(before, ctx).freeCollateral }
            let taken = try tradingArith { () throws(ArithmeticError) in try before.collateral - after.collateral }
            if taken > free { throw .insufficientCollateral(required: taken, available: free) }
            // ...and must cover the isolated position's initial requirement.
            let m = try trading { () throws(MarginError) in try MarginCalculator.scopeMetrics(after, .isolated(market), ctx) }
            if m.equity < m.initialRequirement { throw .insufficientMargin(required: m.initialRequirement, available: max(m.equity, .zero)) }
        }
        self = after
        return transfers
    }

    /// Reduces the position in `market` by `size` at `price` (a fill). Realises PnL against
    /// the venue, charges the liquidation fee (to the fund, capped at the scope's remaining
    /// equity so a fee never creates a deficit) and the taker fee, and, when the scope's
    /// last position closes with a negative balance, moves that deficit to
    /// `unsettledDeficit`.
    ///
    /// `leaving`: a partial takeover's bound on its clearance fee (the liquidation fee): the
    /// fee leaves the scope at least `equity` after the fill, but is never below
    /// `minimumRate` × the notional (then capped at the equity as any fee).
    public mutating func applyFill(market: MarketID, size: Size, price: Price, liquidationFeeRate: Rate = .zero,
                                   takerFeeRate: Rate = .zero, pnlReason: LedgerReason = .realisedPnl,
                                   leaving: (equity: Quote, minimumRate: Rate)? = nil,
                                   context ctx: MarginContext) throws(TradingRejection) -> FillSettlement {
        guard var p = position(in: market) else { throw .positionNotFound(market) }
        guard size.isPositive else { throw .invalidSize("must be positive, got \(size)") }
        let held = try tradingArith { () throws(ArithmeticError) in try p.size.magnitude() }
        guard size <= held else { throw .sizeExceedsPosition(requested: size, held: held) }
        guard price.e8 > 0 else { throw .invalidPrice("must be positive, got \(price)") }
        let scope: MarginScope = p.mode == .cross ? .cross : .isolated(market)
        var transfers: [LedgerTransfer] = []
        let pnl = try tradingArith { () throws(ArithmeticError) in try p.realisedPnl(closing: size, at: price) }
        if let t = LedgerTransfer.signed(pnl, from: .venue(market), to: .trader(id), reason: pnlReason, account: id) { transfers.append(t) }
        try tradingArith { () throws(ArithmeticError) in
            p.size = try p.size.e8 > 0 ? p.size - size : p.size + size
            if p.mode == .isolated { p.isolatedMargin = try p.isolatedMargin + pnl } else { collateral = try collateral + pnl }
        }
        // A closed isolated position leaves its margin behind; it returns to collateral
        // (or becomes a deficit) once the fees are taken from it.
        let closesIsolated = p.mode == .isolated && p.size.isZero
        var isolatedRest = closesIsolated ? p.isolatedMargin : .zero
        setPosition(p)

        // Fees, capped by the scope's equity after the fill: a fee never creates a deficit.
        var equityAfter = closesIsolated
            ? isolatedRest
            : try trading { () throws(MarginError) in try MarginCalculator.scopeMetrics(self, scope, ctx).equity }
        let notional = try tradingArith { () throws(ArithmeticError) in try size.notional(at: price, .up) }
        var charged: [Quote] = []
        for (rate, to, reason) in [(liquidationFeeRate, LedgerAccount.insuranceFund, LedgerReason.liquidationFee), (takerFeeRate, .fees, .tradingFee)] {
            var wanted = try tradingArith { () throws(ArithmeticError) in try notional.times(rate, .up) }
            if reason == .liquidationFee, let keep = leaving {
                let spare = try tradingArith { () throws(ArithmeticError) in try equityAfter - keep.equity }
                let least = try tradingArith { () throws(ArithmeticError) in try notional.times(keep.minimumRate, .up) }
                wanted = min(wanted, max(spare, least))
            }
            let fee = min(wanted, max(equityAfter, .zero))
            charged.append(fee)
            guard fee.isPositive else { continue }
            try tradingArith { () throws(ArithmeticError) in
                equityAfter = try equityAfter - fee
                if closesIsolated { isolatedRest = try isolatedRest - fee }
                else if p.mode == .isolated { p.isolatedMargin = try p.isolatedMargin - fee }
                else { collateral = try collateral - fee }
            }
            transfers.append(LedgerTransfer(from: .trader(id), to: to, amount: fee, reason: reason, account: id))
        }
        if p.mode == .isolated && !closesIsolated { setPosition(p) }

        var deficit = Quote.zero
        try tradingArith { () throws(ArithmeticError) in
            if closesIsolated {
                if isolatedRest.isNegative { deficit = try -isolatedRest } else { collateral = try collateral + isolatedRest }
            } else if p.mode == .cross && positions(in: .cross).isEmpty && collateral.isNegative {
                deficit = try -collateral
                collateral = .zero
            }
            unsettledDeficit = try unsettledDeficit + deficit
        }
        return FillSettlement(market: market, size: size, price: price, realisedPnl: pnl, liquidationFee: charged[0],
                              takerFee: charged[1], newDeficit: deficit, transfers: transfers)
    }

    /// Records that `amount` of the unsettled deficit was covered (by the fund, or by ADL).
    public mutating func settleDeficit(_ amount: Quote) throws(TradingRejection) {
        guard amount.isPositive, amount <= unsettledDeficit else { throw .invalidAmount("cannot settle \(amount) of a deficit of \(unsettledDeficit)") }
        unsettledDeficit = try tradingArith { () throws(ArithmeticError) in try unsettledDeficit - amount }
    }
}

/// Pure margin maths over an account at given marks. See docs/margin-model.md.
public enum MarginCalculator {
    /// Equity, requirements and notional of one scope, without per-position prices
    /// (the cheap evaluation run on every tick).
    /// A scope's capital before PnL: the account's collateral (cross) or the position's
    /// isolated margin.
    @inline(__always)
    static func capital(_ account: Account, _ scope: MarginScope) -> Quote {
        switch scope {
        case .cross: return account.collateral
        case .isolated(let m): return account.position(in: m)?.isolatedMargin ?? .zero
        }
    }

    /// Whether a scope's equity is below its maintenance requirement (`ScopeMetrics`'s
    /// `isLiquidatable`), computing only those two: the screening a worker runs on every
    /// account a mark touches before its liquidation state machine, which has nothing to do
    /// for a healthy scope that stays above maintenance (the vast majority).
    public static func isLiquidatable(_ account: Account, _ scope: MarginScope, _ ctx: MarginContext) throws(MarginError) -> Bool {
        var equity = capital(account, scope)
        var maintenance = Quote.zero
        for p in account.positions where p.belongs(to: scope) {
            let (row, mark) = try ctx.row(p.market)
            try arith { () throws(ArithmeticError) in
                let n = try p.size.notional(at: mark, .up)
                equity = try equity + p.unrealisedPnl(at: mark)
                maintenance = try maintenance + MarketSpec.maintenance(notional: n, bracket: ctx.bracket(row: row, forNotional: n))
            }
        }
        return maintenance.isPositive && equity < maintenance
    }

    public static func scopeMetrics(_ account: Account, _ scope: MarginScope, _ ctx: MarginContext) throws(MarginError) -> ScopeMetrics {
        var equity = capital(account, scope)
        var maintenance = Quote.zero, initial = Quote.zero, notional = Quote.zero
        for p in account.positions where p.belongs(to: scope) {
            let (row, mark) = try ctx.row(p.market)
            try arith { () throws(ArithmeticError) in
                let n = try p.size.notional(at: mark, .up)
                let bracket = ctx.bracket(row: row, forNotional: n)
                equity = try equity + p.unrealisedPnl(at: mark)
                maintenance = try maintenance + MarketSpec.maintenance(notional: n, bracket: bracket)
                initial = try initial + n.times(bracket.initialMarginRate, .up)
                notional = try notional + n
            }
        }
        let shortfall = equity < maintenance ? try arith { () throws(ArithmeticError) in try maintenance - equity } : .zero
        return ScopeMetrics(scope: scope, equity: equity, maintenance: maintenance, initialRequirement: initial,
                            notional: notional, shortfall: shortfall)
    }

    /// Full report: every scope, every position's liquidation and bankruptcy price.
    public static func metrics(_ account: Account, _ ctx: MarginContext) throws(MarginError) -> AccountMetrics {
        let cross = try scopeMetrics(account, .cross, ctx)
        var isolated: [ScopeMetrics] = []
        var positions: [PositionMetrics] = []
        var total = cross.equity
        for p in account.positions {
            let spec = try ctx.market(p.market)
            let mark = try ctx.mark(p.market)
            let scope: MarginScope = p.mode == .cross ? .cross : .isolated(p.market)
            let scopeM = p.mode == .cross ? cross : try scopeMetrics(account, scope, ctx)
            if p.mode == .isolated {
                isolated.append(scopeM)
                total = try arith { () throws(ArithmeticError) in try total + scopeM.equity }
            }
            let (n, u, mm, im) = try arith { () throws(ArithmeticError) in
                let n = try p.size.notional(at: mark, .up)
                return (n, try p.unrealisedPnl(at: mark), try spec.maintenance(notional: n), try spec.initialRequirement(notional: n))
            }
            // The rest of the scope, held at its marks: capital = scope equity without this
            // position's PnL; requirement = scope maintenance without this position's.
            let (otherCapital, otherMaintenance) = try arith { () throws(ArithmeticError) in
                (try scopeM.equity - u, try scopeM.maintenance - mm)
            }
            let liq = try arith { () throws(ArithmeticError) in
                try liquidationPrice(size: p.size, entry: p.entryPrice, spec: spec, otherCapital: otherCapital, otherMaintenance: otherMaintenance)
            }
            let bk = try arith { () throws(ArithmeticError) in
                try bankruptcyPrice(size: p.size, entry: p.entryPrice, otherCapital: otherCapital)
            }
            positions.append(PositionMetrics(position: p, mark: mark, notional: n, unrealisedPnl: u, maintenance: mm,
                                             initialRequirement: im, liquidationPrice: liq, bankruptcyPrice: bk))
        }
        return try arith { () throws(ArithmeticError) in
            let free = max(try cross.equity - cross.initialRequirement, .zero)
            var losses = Quote.zero
            for p in positions where p.position.mode == .cross && p.unrealisedPnl.isNegative { losses = try losses + p.unrealisedPnl }
            let withdrawable = min(max(try account.collateral + losses - cross.initialRequirement, .zero), max(account.collateral, .zero))
            return AccountMetrics(account: account.id, collateral: account.collateral, cross: cross, isolated: isolated,
                                  positions: positions, totalEquity: total, freeCollateral: free, withdrawable: withdrawable)
        }
    }

    /// The mark at which `capital + size × (p − entry) = otherMaintenance + maintenance(|size| × p)`.
    ///
    /// Within a bracket (rate r, amount a), in the core's integer units (see Precision):
    ///   p × (s·10^6 − |s|·r) = (M_o − a − C)·10^16 + s·e·10^6
    /// The bracket is found by trying each and keeping the root whose notional lies in it;
    /// maintenance is continuous and monotone, so there is one. Rounded (at 10^-8, not to
    /// the tick: marks need not sit on the tick grid) to the early side: up for a long
    /// (liquidatable only if mark ≤ price), down for a short (only if mark ≥ price), so a
    /// mark beyond it is a superset of liquidatable marks that an index can rely on.
    public static func liquidationPrice(size: Size, entry: Price, spec: MarketSpec, otherCapital: Quote, otherMaintenance: Quote) throws(ArithmeticError) -> Price? {
        if size.isZero { return nil }
        let s = Int128(size.e8)
        let absS = s.magnitude
        let rounding: Rounding = size.e8 > 0 ? .up : .down
        for (k, b) in spec.brackets.enumerated() {
            let numerator = (Int128(otherMaintenance.e6) - Int128(b.maintenanceAmount.e6) - Int128(otherCapital.e6)) * 10_000_000_000_000_000
                + s * Int128(entry.e8) * Int128(Precision.rateScale)
            let denominator = s * Int128(Precision.rateScale) - Int128(absS) * Int128(b.maintenanceMarginRate.ppm)
            if denominator == 0 { continue }
            let p = try Checked.divide(numerator, denominator, rounding, "liquidation price")
            if p <= 0 { continue }
            // Does the root's notional fall inside this bracket?
            let notional = Int128(absS) * p / Precision.notionalDivisor
            let lower = Int128(b.notionalFloor.e6)
            let upper = k + 1 < spec.brackets.count ? Int128(spec.brackets[k + 1].notionalFloor.e6) : Int128.max
            if notional >= lower && notional < upper {
                return Price(e8: try Checked.narrow(p, "liquidation price"))
            }
        }
        return nil
    }

    /// Bankruptcy price of one position of a scope whose equity at `mark` is `scopeEquity`:
    /// the rest of the scope (its capital without this position's PnL) held as it is.
    public static func bankruptcyPrice(of position: Position, scopeEquity: Quote, mark: Price) throws(ArithmeticError) -> Price? {
        let capital = try scopeEquity - position.unrealisedPnl(at: mark)
        return try bankruptcyPrice(size: position.size, entry: position.entryPrice, otherCapital: capital)
    }

    /// The mark at which `capital + size × (p − entry) = 0`: p = entry − capital·10^10 / s.
    /// Rounded at 10^-8 to the early side (up for a long, down for a short).
    public static func bankruptcyPrice(size: Size, entry: Price, otherCapital: Quote) throws(ArithmeticError) -> Price? {
        if size.isZero { return nil }
        let rounding: Rounding = size.e8 > 0 ? .up : .down
        // entry − C/s, where C/s must round so the whole rounds in `rounding`'s direction.
        let shift = try Checked.divide(Int128(otherCapital.e6) * Precision.notionalDivisor, Int128(size.e8), rounding == .up ? .down : .up, "bankruptcy price")
        let p = Int128(entry.e8) - shift
        if p <= 0 { return nil }
        return Price(e8: try Checked.narrow(p, "bankruptcy price"))
    }
}

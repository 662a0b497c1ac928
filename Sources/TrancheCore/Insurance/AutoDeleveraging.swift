/// A profitable position that may be auto-deleveraged.
public struct ADLCandidate: Sendable, Equatable {
    public var account: AccountID
    public var market: MarketID
    /// Signed size of the position.
    public var size: Size
    public var entryPrice: Price
    public var unrealisedPnl: Quote
    public var notional: Quote
    /// Equity of the position's scope (cross equity, or the isolated margin + PnL).
    public var scopeEquity: Quote
    /// Ranking score, ppm: PnL% × effective leverage (see `AutoDeleveraging.score`).
    public var scorePpm: Int64

    public init(account: AccountID, market: MarketID, size: Size, entryPrice: Price, unrealisedPnl: Quote, notional: Quote, scopeEquity: Quote) {
        self.account = account
        self.market = market
        self.size = size
        self.entryPrice = entryPrice
        self.unrealisedPnl = unrealisedPnl
        self.notional = notional
        self.scopeEquity = scopeEquity
        self.scorePpm = AutoDeleveraging.score(unrealisedPnl: unrealisedPnl, size: size, entryPrice: entryPrice, notional: notional, scopeEquity: scopeEquity)
    }
}

/// One ADL close: `account` reduces `size` of its position in `market` at `price` (the
/// bankrupt position's bankruptcy price), against the bankrupt account.
public struct ADLMatch: Sendable, Equatable {
    public var account: AccountID
    public var market: MarketID
    public var size: Size
    public var price: Price
}

/// Auto-deleveraging: when a deficit exceeds what the fund can pay, the bankrupt position
/// is closed against the opposite side's most profitable, most leveraged positions at its
/// bankruptcy price, so the bankrupt account ends at exactly zero and no deficit remains.
///
/// Ranking (the one large exchanges publish): PnL% × effective leverage, where
///   PnL% = unrealised PnL / entry value (|size| × entry price)
///   effective leverage = notional / scope equity (the exchanges' "margin ratio" reading
///   of how close the position is to its own liquidation)
/// Highest first; ties by larger notional, then by smaller account id (deterministic).
public enum AutoDeleveraging {
    /// PnL% × effective leverage in ppm, rounded down. A profitable position whose scope
    /// equity is not positive ranks first (Int64.max); unprofitable positions score 0.
    public static func score(unrealisedPnl: Quote, size: Size, entryPrice: Price, notional: Quote, scopeEquity: Quote) -> Int64 {
        guard unrealisedPnl.isPositive else { return 0 }
        guard scopeEquity.isPositive else { return .max }
        // uPnL × notional × 10^6 / (entryValue × equity), all quote quantums.
        let entryValue = Int128(size.e8.magnitude) * Int128(entryPrice.e8) / Precision.notionalDivisor
        guard entryValue > 0 else { return .max }
        let num = Int128(unrealisedPnl.e6) * Int128(notional.e6)
        let den = entryValue * Int128(scopeEquity.e6)
        // |num × 10^6| < 2^127 for every in-range input: Int64 × Int64 × 10^6 < 2^147 is not,
        // so divide first where the product would not fit.
        let (scaled, overflow) = num.multipliedReportingOverflow(by: Int128(Precision.rateScale))
        let q = overflow ? num / den * Int128(Precision.rateScale) : scaled / den  // positive: truncation rounds down
        return Int64(clamping: q)
    }

    /// Opposite-side, profitable candidates in ranking order.
    public static func rank(_ candidates: [ADLCandidate], bankruptSide: Side, market: MarketID) -> [ADLCandidate] {
        candidates
            .filter { $0.market == market && $0.unrealisedPnl.isPositive && !$0.size.isZero && ($0.size.e8 > 0 ? Side.long : .short) == bankruptSide.opposite }
            .sorted(by: ranksBefore)
    }

    /// The ranking's order: higher score first, then larger notional, then lower account id.
    public static func ranksBefore(_ a: ADLCandidate, _ b: ADLCandidate) -> Bool {
        if a.scorePpm != b.scorePpm { return a.scorePpm > b.scorePpm }
        if a.notional != b.notional { return a.notional > b.notional }
        return a.account < b.account
    }

    /// Allocates `size` of the bankrupt position over the ranked candidates, each up to its
    /// own size, at `bankruptcyPrice`. Returns the matches and what could not be matched.
    public static func allocate(size: Size, bankruptcyPrice: Price, ranked: [ADLCandidate]) -> (matches: [ADLMatch], unmatched: Size) {
        var left = size.e8
        var matches: [ADLMatch] = []
        for c in ranked where left > 0 {
            let take = min(left, Int64(c.size.e8.magnitude))
            if take == 0 { continue }
            matches.append(ADLMatch(account: c.account, market: c.market, size: Size(e8: take), price: bankruptcyPrice))
            left -= take
        }
        return (matches, Size(e8: left))
    }

    /// The candidate record of `market`'s position in `account` at the context's marks, if
    /// the position exists.
    public static func candidate(_ account: Account, market: MarketID, context ctx: MarginContext) throws(MarginError) -> ADLCandidate? {
        guard let p = account.position(in: market) else { return nil }
        let mark = try ctx.mark(market)
        let scope: MarginScope = p.mode == .cross ? .cross : .isolated(market)
        let equity = try MarginCalculator.scopeMetrics(account, scope, ctx).equity
        let (u, n) = try arith { () throws(ArithmeticError) in (try p.unrealisedPnl(at: mark), try p.size.notional(at: mark, .up)) }
        return ADLCandidate(account: account.id, market: market, size: p.size, entryPrice: p.entryPrice, unrealisedPnl: u, notional: n, scopeEquity: equity)
    }
}

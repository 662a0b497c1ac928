/// The backstop: the insurance fund's own trading book. When the venue cannot fill a
/// tranche inside the band for `maxUnfilledAttempts` tries in a row (liquidity vanished),
/// the position is taken over by the backstop at a model price (the mark), the trader's
/// account is settled at that price, and the backstop unwinds the position later in
/// tranches of at most `maxStepFraction`, inside the band, as liquidity returns.
///
/// The backstop is an `Account` whose ledger account is `.trader(Backstop.accountID)`;
/// after every fill its realised result is swept into `.insuranceFund`, so the fund's
/// balance always includes what the backstop made or lost.
public enum Backstop {
    /// Reserved account id of the backstop.
    public static let accountID = AccountID(UInt64.max)

    /// The result of a takeover.
    public struct TakeoverResult: Sendable, Equatable {
        /// The trader's side: the position closed at the model price.
        public var settlement: FillSettlement
        /// The position the backstop took (same side and size, entry at the model price).
        public var acquired: Position
        /// Ledger transfers of the backstop's side (non-empty only when the takeover netted
        /// against an opposite position the backstop already held).
        public var backstopTransfers: [LedgerTransfer]
    }

    /// Takes `market`'s position of `account` over at `modelPrice`. The trader realises
    /// PnL at the model price and pays the liquidation fee (capped at its equity); a
    /// deficit, if any, is left in `unsettledDeficit` for the fund. The backstop opens the
    /// same position at the model price with no cash changing hands.
    public static func takeOver(_ account: inout Account, market: MarketID, modelPrice: Price, backstop: inout Account,
                                context ctx: MarginContext) throws(TradingRejection) -> TakeoverResult {
        guard let p = account.position(in: market) else { throw .positionNotFound(market) }
        let spec = try trading { () throws(MarginError) in try ctx.market(market) }
        let size = try tradingArith { () throws(ArithmeticError) in try p.size.magnitude() }
        let settlement = try account.applyFill(market: market, size: size, price: modelPrice,
                                               liquidationFeeRate: spec.liquidation.liquidationFeeRate,
                                               pnlReason: .takeover, context: ctx)
        let transfers = try acquire(&backstop, size: p.size, market: market, at: modelPrice)
        return TakeoverResult(settlement: settlement, acquired: Position(market: market, size: p.size, entryPrice: modelPrice, mode: .cross),
                              backstopTransfers: transfers)
    }

    /// Adds `size` (signed) at `price` to the backstop's position. A part opposite to what
    /// it holds closes that much at `price`, realising PnL against the venue (swept into
    /// the fund); the rest is added with the entry averaged against the backstop.
    public static func acquire(_ backstop: inout Account, size: Size, market: MarketID, at price: Price) throws(TradingRejection) -> [LedgerTransfer] {
        var transfers: [LedgerTransfer] = []
        try tradingArith { () throws(ArithmeticError) in
            var held = backstop.position(in: market) ?? Position(market: market, size: .zero, entryPrice: price, mode: .cross)
            var rest = size
            if !held.size.isZero && (held.size.e8 > 0) != (size.e8 > 0) {
                let close = Size(e8: min(held.size.e8.magnitude, size.e8.magnitude).toInt64)
                let pnl = try held.realisedPnl(closing: close, at: price)
                held.size = try held.size.e8 > 0 ? held.size - close : held.size + close
                rest = try size.e8 > 0 ? size - close : size + close
                backstop.collateral = try backstop.collateral + pnl
                if let t = LedgerTransfer.signed(pnl, from: .venue(market), to: .trader(accountID), reason: .backstopUnwind, account: accountID) { transfers.append(t) }
            }
            if !rest.isZero {
                let newSize = try held.size + rest
                let value = Int128(held.size.e8) * Int128(held.entryPrice.e8) + Int128(rest.e8) * Int128(price.e8)
                held.entryPrice = Price(e8: try Checked.narrow(Checked.divide(value, Int128(newSize.e8), newSize.e8 > 0 ? .up : .down)))
                held.size = newSize
            }
            backstop.setPosition(held)
        }
        if let sweep = sweep(&backstop) { transfers.append(sweep) }
        return transfers
    }

    /// Applies an unwind fill of the backstop (no fees), realising PnL against the venue and
    /// sweeping it into the fund.
    public static func applyUnwindFill(_ backstop: inout Account, market: MarketID, size: Size, price: Price) throws(TradingRejection) -> [LedgerTransfer] {
        guard let held = backstop.position(in: market) else { throw .positionNotFound(market) }
        let abs = try tradingArith { () throws(ArithmeticError) in try held.size.magnitude() }
        guard size.isPositive, size <= abs else { throw .sizeExceedsPosition(requested: size, held: abs) }
        let opposite = try tradingArith { () throws(ArithmeticError) in held.size.e8 > 0 ? try -size : size }
        return try acquire(&backstop, size: opposite, market: market, at: price)
    }

    /// The next unwind tranche of the backstop's position in `market`: at most
    /// `maxStepFraction` (× the breaker's scale) of it, at least one step, within the band.
    public static func nextUnwind(_ backstop: Account, market: MarketID, context ctx: MarginContext, adjustments: PlanAdjustments = .none) throws(MarginError) -> TranchePlan? {
        guard let p = backstop.position(in: market) else { return nil }
        let spec = try ctx.market(market)
        let mark = try ctx.mark(market)
        return try arith { () throws(ArithmeticError) in
            let abs = try p.size.magnitude()
            let fraction = Rate(ppm: try Checked.mulDiv((adjustments.maxStepFraction ?? spec.liquidation.maxStepFraction).ppm, adjustments.stepScale.ppm, Precision.rateScale, .down))
            var size = max(try abs.times(fraction, .down).rounded(toStep: spec.stepSize, .down), min(spec.stepSize, abs))
            if try (abs - size).notional(at: mark, .down) < spec.liquidation.minTrancheNotional { size = abs }
            let side = p.side.opposite
            let limit = try StepwisePolicy.bandLimit(orderSide: side, mark: mark, band: adjustments.priceBand ?? spec.liquidation.priceBand, tick: spec.tickSize)
            let remaining = Int((abs.e8 + size.e8 - 1) / max(size.e8, 1))
            return TranchePlan(scope: .cross, market: market, orderSide: side, size: size, limitPrice: limit, markPrice: mark,
                               reason: size == abs ? .closeRemainder : .restoreMargin, estimatedFee: .zero,
                               estimatedRemainingTranches: remaining, restoresTarget: false)
        }
    }

    /// Moves the backstop's realised result (its collateral) into the insurance fund, so
    /// the backstop's cash is always zero and the fund carries every gain or loss.
    public static func sweep(_ backstop: inout Account) -> LedgerTransfer? {
        let amount = backstop.collateral
        backstop.collateral = .zero
        return LedgerTransfer.signed(amount, from: .trader(accountID), to: .insuranceFund, reason: .backstopUnwind, account: accountID)
    }
}

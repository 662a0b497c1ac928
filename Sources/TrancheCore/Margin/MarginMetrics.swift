/// Margin figures of one position at given marks.
public struct PositionMetrics: Sendable, Equatable {
    public var position: Position
    public var mark: Price
    /// |size| × mark, rounded up (it feeds requirements).
    public var notional: Quote
    public var unrealisedPnl: Quote
    public var maintenance: Quote
    public var initialRequirement: Quote
    /// Mark at which the position's scope reaches maintenance (others held at their
    /// marks for cross), at 10^-8, rounded to the early (safe) side. `nil` when no
    /// positive price does it (e.g. a fully collateralised long).
    public var liquidationPrice: Price?
    /// Mark at which the position's scope equity reaches zero, at 10^-8, rounded to the
    /// early side; `nil` when no positive price does it.
    public var bankruptcyPrice: Price?
}

/// Margin figures of one scope (the cross portfolio, or one isolated position).
public struct ScopeMetrics: Sendable, Equatable {
    public var scope: MarginScope
    /// Collateral (or isolated margin) + unrealised PnL.
    public var equity: Quote
    public var maintenance: Quote
    public var initialRequirement: Quote
    public var notional: Quote
    /// maintenance − equity when positive, else zero.
    public var shortfall: Quote

    /// equity / maintenance in ppm, rounded down (clamped to the 64-bit range); `nil`
    /// without positions. Below 1 the scope is liquidatable. Computed when read: a full
    /// re-evaluation only compares equity with maintenance.
    public var marginRatio: Rate? {
        guard maintenance.isPositive else { return nil }
        let q = (Int128(equity.e6) * Int128(Precision.rateScale)).divided(by: Int128(maintenance.e6), .down)
        return Rate(ppm: Int64(clamping: q))
    }

    /// Equity below maintenance.
    public var isLiquidatable: Bool { maintenance.isPositive && equity < maintenance }
    /// Equity at or below zero with positions open.
    public var isBankrupt: Bool { notional.isPositive && !equity.isPositive }

    /// Bankrupt, or equity / maintenance below `floor`: too close to bankruptcy to wait.
    public func isBelow(hardFloor floor: Rate) -> Bool {
        // ⌊equity·10^6 / maintenance⌋ < floor  ⇔  equity·10^6 < floor · maintenance
        // (maintenance > 0, floor an integer ppm): the ratio's test without its division.
        isBankrupt || (maintenance.isPositive
            && Int128(equity.e6) * Int128(Precision.rateScale) < Int128(floor.ppm) * Int128(maintenance.e6))
    }
}

/// Everything `tranche margin` and `account show` report about an account.
public struct AccountMetrics: Sendable, Equatable {
    public var account: AccountID
    public var collateral: Quote
    public var cross: ScopeMetrics
    public var isolated: [ScopeMetrics]
    public var positions: [PositionMetrics]
    /// Cross equity + every isolated scope's equity.
    public var totalEquity: Quote
    /// Cross equity − cross initial requirement, never below zero: what new cross
    /// positions or isolated margin can use.
    public var freeCollateral: Quote
    /// What can be withdrawn: collateral + unrealised losses (not profits) − cross initial
    /// requirement, never below zero and never above collateral.
    public var withdrawable: Quote

    public func scope(_ s: MarginScope) -> ScopeMetrics? {
        if s == .cross { return cross }
        return isolated.first { $0.scope == s }
    }
}

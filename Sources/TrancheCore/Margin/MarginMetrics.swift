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
    /// equity / maintenance in ppm, rounded down; `nil` without positions. Below 1 the
    /// scope is liquidatable.
    public var marginRatio: Rate?
    /// maintenance − equity when positive, else zero.
    public var shortfall: Quote

    /// Equity below maintenance.
    public var isLiquidatable: Bool { maintenance.isPositive && equity < maintenance }
    /// Equity at or below zero with positions open.
    public var isBankrupt: Bool { notional.isPositive && !equity.isPositive }

    /// Bankrupt, or equity / maintenance below `floor`: too close to bankruptcy to wait.
    public func isBelow(hardFloor floor: Rate) -> Bool {
        isBankrupt || (marginRatio.map { $0 < floor } ?? false)
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

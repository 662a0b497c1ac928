extension Message {
    /// An account's margin state, computed at the current marks.
    public struct AccountView: Sendable, Equatable {
        public var account: AccountID
        public var collateral: Quote
        public var equity: Quote
        public var maintenance: Quote
        public var initial: Quote
        /// equity / maintenance; `nil` when there is no requirement (no positions).
        public var marginRatio: Rate?
        public var freeCollateral: Quote
        public var withdrawable: Quote
        public var phase: LiquidationPhase
        /// Tranche k of n while liquidating; 0 otherwise.
        public var trancheIndex: UInt32
        public var trancheCount: UInt32
        public var positions: [PositionView]

        public init(
            account: AccountID, collateral: Quote, equity: Quote, maintenance: Quote, initial: Quote,
            marginRatio: Rate?, freeCollateral: Quote, withdrawable: Quote, phase: LiquidationPhase,
            trancheIndex: UInt32 = 0, trancheCount: UInt32 = 0, positions: [PositionView] = []
        ) {
            self.account = account
            self.collateral = collateral
            self.equity = equity
            self.maintenance = maintenance
            self.initial = initial
            self.marginRatio = marginRatio
            self.freeCollateral = freeCollateral
            self.withdrawable = withdrawable
            self.phase = phase
            self.trancheIndex = trancheIndex
            self.trancheCount = trancheCount
            self.positions = positions
        }
    }

    /// One position inside an `AccountView`.
    public struct PositionView: Sendable, Equatable {
        public var market: MarketID
        /// Signed: positive long, negative short.
        public var size: Size
        public var entryPrice: Price
        public var markPrice: Price
        public var notional: Quote
        public var unrealisedPnl: Quote
        public var maintenance: Quote
        /// `nil` when no positive price liquidates the position (0 on the wire).
        public var liquidationPrice: Price?
        /// `nil` when there is none (0 on the wire).
        public var bankruptcyPrice: Price?
        public var marginMode: MarginMode
        public var isolatedMargin: Quote
        /// Margin ratio of the position's own scope (cross, or its isolated scope): what
        /// decides its liquidation, which the account's overall ratio can hide.
        public var scopeRatio: Rate?

        public init(
            market: MarketID, size: Size, entryPrice: Price, markPrice: Price, notional: Quote,
            unrealisedPnl: Quote, maintenance: Quote, liquidationPrice: Price?, bankruptcyPrice: Price?,
            marginMode: MarginMode, isolatedMargin: Quote, scopeRatio: Rate? = nil
        ) {
            self.scopeRatio = scopeRatio
            self.market = market
            self.size = size
            self.entryPrice = entryPrice
            self.markPrice = markPrice
            self.notional = notional
            self.unrealisedPnl = unrealisedPnl
            self.maintenance = maintenance
            self.liquidationPrice = liquidationPrice
            self.bankruptcyPrice = bankruptcyPrice
            self.marginMode = marginMode
            self.isolatedMargin = isolatedMargin
        }
    }
}

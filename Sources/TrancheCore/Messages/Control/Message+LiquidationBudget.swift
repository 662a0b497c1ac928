extension Message {
    /// The aggregator's cluster-wide liquidation budget of one market for the next budget
    /// interval, as a cutoff every worker applies the same way to the tranches it reported:
    /// a tranche reported at (margin ratio, account) ≤ (`cutoffRatioPpm`, `cutoffAccount`)
    /// may go, the others wait; a tranche that fell due after the worker's report waits for
    /// the next budget. The worst margin ratios are served first cluster-wide, the flow
    /// admitted is at most the budget plus one tranche, and an account's fate depends only
    /// on its own state and this broadcast (not on which worker holds it). A snapshot on
    /// the control channel: safe to lose, the next one replaces it.
    public struct LiquidationBudget: Sendable, Equatable {
        public var market: MarketID
        /// Increases with every budget; older ones are ignored.
        public var sequence: UInt64
        /// The budget's rate, quote per second (Almgren–Chriss pace within the book's limits).
        public var ratePerSecond: Quote
        /// Nil: every reported tranche is admitted.
        public var cutoffRatioPpm: Int64?
        public var cutoffAccount: AccountID
        public var at: Instant
        /// The cluster-wide flow the liquidations are expected to send into the book
        /// (notional at the mark): the workers' reported flows plus the backstop's
        /// inventory, to sell and to buy. Workers project the mark's move it will cause
        /// (`Worker.queuedFlowMove`).
        public var sellFlow: Quote
        public var buyFlow: Quote
        public init(market: MarketID, sequence: UInt64, ratePerSecond: Quote, cutoffRatioPpm: Int64?, cutoffAccount: AccountID, at: Instant,
                    sellFlow: Quote = .zero, buyFlow: Quote = .zero) {
            self.sellFlow = sellFlow
            self.buyFlow = buyFlow
            self.market = market
            self.sequence = sequence
            self.ratePerSecond = ratePerSecond
            self.cutoffRatioPpm = cutoffRatioPpm
            self.cutoffAccount = cutoffAccount
            self.at = at
        }

        /// Whether a tranche reported at (ratio, account) may go.
        public func admits(marginRatioPpm: Int64, account: AccountID) -> Bool {
            guard let r = cutoffRatioPpm else { return true }
            return marginRatioPpm < r || (marginRatioPpm == r && account <= cutoffAccount)
        }
    }
}

extension Message {
    /// A worker's liquidation demand, reported to the aggregator after every budget it
    /// receives (and every budget interval while it hears none, so the aggregator learns it
    /// is there). The worker is the authenticated sender, never a field of the message.
    /// Safe to lose: the next report replaces it.
    public struct LiquidationDemand: Sendable, Equatable {
        public struct Entry: Sendable, Equatable {
            public var market: MarketID
            /// Notional (at the mark) of the positions of scopes in margin call or in
            /// liquidation: the backlog.
            public var backlog: Quote
            /// The notional those scopes are expected to send to the book to finish, by the
            /// policy's estimate (`LiquidationPolicy.expectedFlow`): to sell (long
            /// positions) and to buy (short ones).
            public var sellFlow: Quote
            public var buyFlow: Quote
            /// The tranches due, worst first by (margin ratio, account), at most
            /// `BudgetCutoff.maxReportedTranches`.
            public var tranches: [DueTranche]
            /// More tranches were due than listed: the budget cannot admit past the last one.
            public var truncated: Bool
            public init(market: MarketID, backlog: Quote, sellFlow: Quote = .zero, buyFlow: Quote = .zero, tranches: [DueTranche], truncated: Bool = false) {
                self.market = market
                self.backlog = backlog
                self.sellFlow = sellFlow
                self.buyFlow = buyFlow
                self.tranches = tranches
                self.truncated = truncated
            }
        }
        public struct DueTranche: Sendable, Equatable {
            /// The scope's equity / maintenance in ppm when reported (bankrupt: below zero).
            public var marginRatioPpm: Int64
            public var account: AccountID
            /// Size × mark of the tranche, rounded up.
            public var notional: Quote
            public init(marginRatioPpm: Int64, account: AccountID, notional: Quote) {
                self.marginRatioPpm = marginRatioPpm
                self.account = account
                self.notional = notional
            }
        }
        public var entries: [Entry]
        public var at: Instant
        public init(entries: [Entry], at: Instant) {
            self.entries = entries
            self.at = at
        }
    }
}

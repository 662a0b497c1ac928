extension Message {
    /// A worker's liquidation demand, reported to the aggregator every budget interval
    /// (also when empty: it tells the aggregator the worker is there). The worker is the
    /// authenticated sender, never a field of the message. Safe to lose: the next report
    /// replaces it.
    public struct LiquidationDemand: Sendable, Equatable {
        public struct Entry: Sendable, Equatable {
            public var market: MarketID
            /// Notional (at the mark) of the positions of scopes in liquidation: the backlog.
            public var backlog: Quote
            /// Notional of the tranches due, per margin-ratio bucket (`BudgetCutoff.bucket`),
            /// only the non-empty buckets, ascending.
            public var buckets: [BucketDemand]
            public init(market: MarketID, backlog: Quote, buckets: [BucketDemand]) {
                self.market = market
                self.backlog = backlog
                self.buckets = buckets
            }
        }
        public struct BucketDemand: Sendable, Equatable {
            public var bucket: Int
            public var notional: Quote
            public init(bucket: Int, notional: Quote) {
                self.bucket = bucket
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

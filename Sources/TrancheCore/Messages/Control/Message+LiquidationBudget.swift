extension Message {
    /// The aggregator's cluster-wide liquidation budget of one market for the next budget
    /// interval, as a margin-ratio cutoff every worker applies the same way to the tranches
    /// it reported: scopes in a bucket below `cutoffBucket` may send their tranche, scopes
    /// in it only if their account's admission draw is below `admitPpm`, the others wait;
    /// a tranche that fell due after the worker's report waits for the next budget (so the
    /// flow admitted is what the budget was computed for, whatever the sharding). The worst margin
    /// ratios are served first cluster-wide, and an account's fate depends only on its own
    /// state and this broadcast (not on which worker holds it). A snapshot on the control
    /// channel: safe to lose, the next one replaces it.
    public struct LiquidationBudget: Sendable, Equatable {
        public var market: MarketID
        /// Increases with every budget; older ones are ignored. Also seeds the admission draw.
        public var sequence: UInt64
        /// The budget's rate, quote per second (Almgren–Chriss pace within the book's limits).
        public var ratePerSecond: Quote
        public var cutoffBucket: Int
        /// Share of the cutoff bucket admitted, in ppm.
        public var admitPpm: Int64
        public var at: Instant
        public init(market: MarketID, sequence: UInt64, ratePerSecond: Quote, cutoffBucket: Int, admitPpm: Int64, at: Instant) {
            self.market = market
            self.sequence = sequence
            self.ratePerSecond = ratePerSecond
            self.cutoffBucket = cutoffBucket
            self.admitPpm = admitPpm
            self.at = at
        }
    }
}

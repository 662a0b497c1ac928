extension Message {
    /// The cluster as the coordinator sees it.
    public struct StatusView: Sendable, Equatable {
        public var shardCount: UInt32
        public var workers: [WorkerView]
        public var breakers: [BreakerView]
        public var fundBalance: Quote
        /// The cluster runs without authentication (`--insecure`).
        public var insecure: Bool

        public init(shardCount: UInt32, workers: [WorkerView], breakers: [BreakerView], fundBalance: Quote, insecure: Bool = false) {
            self.insecure = insecure
            self.shardCount = shardCount
            self.workers = workers
            self.breakers = breakers
            self.fundBalance = fundBalance
        }
    }

    /// One worker inside a `StatusView`.
    public struct WorkerView: Sendable, Equatable {
        public var workerID: String
        public var alive: Bool
        public var shards: [UInt32]
        /// Number of accounts the worker holds.
        public var accounts: UInt64

        public init(workerID: String, alive: Bool, shards: [UInt32], accounts: UInt64) {
            self.workerID = workerID
            self.alive = alive
            self.shards = shards
            self.accounts = accounts
        }
    }

    /// One market's breaker inside a `StatusView`.
    public struct BreakerView: Sendable, Equatable {
        public var market: MarketID
        public var level: BreakerLevel
        public var reason: BreakerReason
        public var sequence: UInt64
        public var since: Instant

        public init(market: MarketID, level: BreakerLevel, reason: BreakerReason, sequence: UInt64, since: Instant) {
            self.market = market
            self.level = level
            self.reason = reason
            self.sequence = sequence
            self.since = since
        }
    }
}

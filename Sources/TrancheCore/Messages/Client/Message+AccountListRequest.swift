extension Message {
    /// Operator command: the accounts the workers hold, filtered (`tranche account list`).
    public struct AccountListRequest: Sendable, Equatable {
        /// Only accounts in a margin call or a liquidation.
        public var liquidatingOnly: Bool
        /// Only accounts with a position in this market.
        public var market: MarketID?
        /// Only this worker's accounts.
        public var workerID: String?
        /// At most this many, lowest ids first (0 on the wire: 100; at most 10,000).
        public var limit: UInt32

        public static let defaultLimit: UInt32 = 100
        public static let maxLimit: UInt32 = 10_000

        public init(liquidatingOnly: Bool = false, market: MarketID? = nil, workerID: String? = nil, limit: UInt32 = defaultLimit) {
            self.liquidatingOnly = liquidatingOnly
            self.market = market
            self.workerID = workerID
            self.limit = limit
        }

        /// The limit in force.
        public var effectiveLimit: Int { Int(limit == 0 ? Self.defaultLimit : min(limit, Self.maxLimit)) }
    }

    /// The accounts matching an `AccountListRequest`, gathered from every live worker.
    public struct AccountList: Sendable, Equatable {
        public var accounts: [AccountListing]
        /// More accounts matched than the limit.
        public var truncated: Bool
        /// Workers that did not answer in time.
        public var missingWorkers: [String]

        public init(accounts: [AccountListing], truncated: Bool = false, missingWorkers: [String] = []) {
            self.accounts = accounts
            self.truncated = truncated
            self.missingWorkers = missingWorkers
        }
    }

    /// One account of an `AccountList`, with the worker that holds it.
    public struct AccountListing: Sendable, Equatable {
        public var workerID: String
        public var account: AccountView

        public init(workerID: String, account: AccountView) {
            self.workerID = workerID
            self.account = account
        }
    }
}

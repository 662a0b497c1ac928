extension Message {
    /// A worker's ranked answer to an `AdlCandidatesRequest`.
    public struct AdlCandidates: Sendable, Equatable {
        public var requestID: UInt64
        public var candidates: [AdlCandidate]

        public init(requestID: UInt64, candidates: [AdlCandidate]) {
            self.requestID = requestID
            self.candidates = candidates
        }
    }

    /// One position that ADL may reduce, with its ranking score.
    public struct AdlCandidate: Sendable, Equatable {
        public var account: AccountID
        public var market: MarketID
        /// Signed position size.
        public var size: Size
        public var entryPrice: Price
        /// Ranking score (profit × leverage); higher is deleveraged first.
        public var score: Rate

        public init(account: AccountID, market: MarketID, size: Size, entryPrice: Price, score: Rate) {
            self.account = account
            self.market = market
            self.size = size
            self.entryPrice = entryPrice
            self.score = score
        }
    }
}

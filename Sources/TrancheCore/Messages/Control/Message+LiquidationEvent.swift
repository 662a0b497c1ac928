extension Message {
    /// A change in a margin scope's liquidation life cycle, published by the worker.
    public struct LiquidationEvent: Sendable, Equatable {
        public var account: AccountID
        /// On the wire: the market symbol for an isolated scope, "" for cross.
        public var scope: MarginScope
        public var phase: LiquidationPhase
        public var trancheIndex: UInt32
        public var trancheCount: UInt32
        /// Human-readable detail for logs and the CLI.
        public var detail: String
        public var at: Instant

        public init(
            account: AccountID, scope: MarginScope, phase: LiquidationPhase, trancheIndex: UInt32,
            trancheCount: UInt32, detail: String, at: Instant
        ) {
            self.account = account
            self.scope = scope
            self.phase = phase
            self.trancheIndex = trancheIndex
            self.trancheCount = trancheCount
            self.detail = detail
            self.at = at
        }
    }
}

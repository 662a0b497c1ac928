extension Message {
    /// Subscribes the sender to liquidation and insurance-fund events.
    public struct SubscribeEvents: Sendable, Equatable {
        /// `nil` subscribes to every account (0 on the wire).
        public var account: AccountID?

        public init(account: AccountID? = nil) { self.account = account }
    }
}

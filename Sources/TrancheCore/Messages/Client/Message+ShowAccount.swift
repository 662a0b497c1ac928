extension Message {
    /// Asks for an account's margin view; answered by a `CommandReply` carrying it.
    public struct ShowAccount: Sendable, Equatable {
        public var account: AccountID

        public init(account: AccountID) { self.account = account }
    }
}

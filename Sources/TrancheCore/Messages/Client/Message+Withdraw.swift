extension Message {
    /// Takes quote out of an account's cross collateral, up to its withdrawable amount.
    public struct Withdraw: Sendable, Equatable {
        public var account: AccountID
        public var amount: Quote

        public init(account: AccountID, amount: Quote) {
            self.account = account
            self.amount = amount
        }
    }
}

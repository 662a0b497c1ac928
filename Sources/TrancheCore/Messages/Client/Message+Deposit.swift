extension Message {
    /// Adds quote to an account's cross collateral.
    public struct Deposit: Sendable, Equatable {
        public var account: AccountID
        public var amount: Quote

        public init(account: AccountID, amount: Quote) {
            self.account = account
            self.amount = amount
        }
    }
}

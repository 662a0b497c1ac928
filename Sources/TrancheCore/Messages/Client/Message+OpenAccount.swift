extension Message {
    /// Creates an account with an initial cross collateral.
    public struct OpenAccount: Sendable, Equatable {
        public var account: AccountID
        public var initialCollateral: Quote

        public init(account: AccountID, initialCollateral: Quote) {
            self.account = account
            self.initialCollateral = initialCollateral
        }
    }
}

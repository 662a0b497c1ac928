extension Message {
    /// The reply to every command that has no richer reply.
    public struct CommandReply: Sendable, Equatable {
        public var errorCode: ErrorCode
        /// Human-readable detail; empty when `.ok`.
        public var errorMessage: String
        /// For `.insufficientMargin` / `.insufficientCollateral`: what was needed;
        /// zero otherwise.
        public var required: Quote
        /// For `.insufficientMargin` / `.insufficientCollateral`: what there was;
        /// zero otherwise.
        public var available: Quote
        /// The account after the command; `nil` when the command failed or has none.
        public var account: AccountView?

        public init(
            errorCode: ErrorCode, errorMessage: String = "", required: Quote = .zero,
            available: Quote = .zero, account: AccountView? = nil
        ) {
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.required = required
            self.available = available
            self.account = account
        }

        /// A successful reply, optionally carrying the account.
        public static func ok(_ account: AccountView? = nil) -> CommandReply {
            CommandReply(errorCode: .ok, account: account)
        }
    }
}

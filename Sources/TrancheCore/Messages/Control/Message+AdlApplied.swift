extension Message {
    /// A worker applied (and made durable) an ADL instruction, or found nothing left to
    /// close: the aggregator stops sending it again. Lost, the instruction comes again and
    /// is answered again (a worker applies each round's instruction once per account).
    public struct AdlApplied: Sendable, Equatable {
        public var requestID: UInt64
        public var account: AccountID
        public init(requestID: UInt64, account: AccountID) {
            self.requestID = requestID
            self.account = account
        }
    }
}

extension Message {
    /// The aggregator's acknowledgement of reliable messages, on the control channel: for
    /// each account, every message of its stream up to `sequence` is applied and durable.
    /// Cumulative, so a lost ack is repaired by the next one, or by the ack that answers a
    /// retransmission.
    public struct DeliveryAck: Sendable, Equatable {
        public struct Entry: Sendable, Equatable {
            public var account: AccountID
            public var sequence: UInt64
            /// Cumulative deficit of the account the fund has covered: the worker settles
            /// what it has not settled yet, so a lost ack is repaired by the next one.
            public var coveredDeficit: Quote
            public init(account: AccountID, sequence: UInt64, coveredDeficit: Quote = .zero) {
                self.account = account
                self.sequence = sequence
                self.coveredDeficit = coveredDeficit
            }
        }
        public var entries: [Entry]
        public var at: Instant
        public init(entries: [Entry], at: Instant) {
            self.entries = entries
            self.at = at
        }
    }
}

extension Message {
    /// The aggregator's acknowledgement of reliable messages, on the control channel: for
    /// each account, every message of its stream up to `sequence` is applied and durable.
    /// Cumulative, so a lost ack is repaired by the next one, or by the ack that answers a
    /// retransmission.
    public struct DeliveryAck: Sendable, Equatable {
        public struct Entry: Sendable, Equatable {
            public var account: AccountID
            public var sequence: UInt64
            public init(account: AccountID, sequence: UInt64) {
                self.account = account
                self.sequence = sequence
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

extension Message {
    /// Worker liveness, sent to the coordinator every heartbeat interval.
    public struct Heartbeat: Sendable, Equatable {
        public var workerID: String
        /// The latest shard-assignment epoch the worker has applied.
        public var epoch: UInt64
        /// Number of accounts the worker holds.
        public var accounts: UInt64
        public var at: Instant
        /// The cluster the worker was configured for ("": not said).
        public var clusterID: String

        public init(workerID: String, epoch: UInt64, accounts: UInt64, at: Instant, clusterID: String = "") {
            self.workerID = workerID
            self.epoch = epoch
            self.accounts = accounts
            self.at = at
            self.clusterID = clusterID
        }
    }
}

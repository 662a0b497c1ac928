extension Message {
    /// The coordinator tells a worker which shards it owns as of an epoch.
    public struct ShardAssignment: Sendable, Equatable {
        public var workerID: String
        /// Increases with every reassignment; a worker ignores older epochs.
        public var epoch: UInt64
        public var shards: [UInt32]

        public init(workerID: String, epoch: UInt64, shards: [UInt32]) {
            self.workerID = workerID
            self.epoch = epoch
            self.shards = shards
        }
    }
}

extension Message {
    /// The coordinator tells a worker which shards it owns as of an epoch.
    public struct ShardAssignment: Sendable, Equatable {
        public var workerID: String
        /// Increases with every reassignment; a worker ignores older epochs.
        public var epoch: UInt64
        public var shards: [UInt32]
        /// The epoch each shard was assigned under (parallel to `shards`; empty: all
        /// `epoch`). A worker holding a shard under another epoch reloads it: someone else
        /// may have owned it in between.
        public var shardEpochs: [UInt64]

        public init(workerID: String, epoch: UInt64, shards: [UInt32], shardEpochs: [UInt64] = []) {
            self.workerID = workerID
            self.epoch = epoch
            self.shards = shards
            self.shardEpochs = shardEpochs
        }

        /// The epoch of the i-th shard.
        public func epoch(at i: Int) -> UInt64 { i < shardEpochs.count ? shardEpochs[i] : epoch }
    }
}

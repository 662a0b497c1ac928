extension Message {
    /// A worker announces itself to the coordinator (answered by a `ShardAssignment`).
    public struct WorkerRegister: Sendable, Equatable {
        public var workerID: String
        /// The cluster the worker was configured for ("": not said).
        public var clusterID: String

        public init(workerID: String, clusterID: String = "") {
            self.workerID = workerID
            self.clusterID = clusterID
        }
    }
}

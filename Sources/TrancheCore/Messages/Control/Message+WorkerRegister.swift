extension Message {
    /// A worker announces itself to the coordinator (answered by a `ShardAssignment`).
    public struct WorkerRegister: Sendable, Equatable {
        public var workerID: String

        public init(workerID: String) { self.workerID = workerID }
    }
}

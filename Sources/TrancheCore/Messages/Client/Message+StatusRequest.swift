extension Message {
    /// Asks the coordinator for the cluster status; answered by a `StatusView`.
    public struct StatusRequest: Sendable, Equatable {
        public init() {}
    }
}

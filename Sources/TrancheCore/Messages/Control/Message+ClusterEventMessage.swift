extension Message {
    /// One observable event of the cluster, streamed to subscribers (`tranche events
    /// --follow`). Named apart from the core `ClusterEvent` it carries.
    ///
    /// On the wire `account` 0, `market`/`scope`/`detail` "", `price` 0 and `tranche`
    /// 0 mean none, so such values read back as `nil`; `size` and `amount` carry an
    /// explicit presence flag, because zero is a meaningful size or amount.
    public struct ClusterEventMessage: Sendable, Equatable {
        public var event: ClusterEvent

        public init(_ event: ClusterEvent) { self.event = event }
    }
}

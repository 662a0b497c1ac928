extension Message {
    /// Every market's breaker state: the reply to `BreakerRequest`.
    public struct BreakerList: Sendable, Equatable {
        public var breakers: [BreakerState]

        public init(breakers: [BreakerState]) { self.breakers = breakers }
    }
}

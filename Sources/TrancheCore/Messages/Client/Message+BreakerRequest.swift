extension Message {
    /// Asks for every market's breaker state; answered by a `BreakerList`.
    public struct BreakerRequest: Sendable, Equatable {
        public init() {}
    }
}

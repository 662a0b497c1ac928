/// Settings of a worker.
public struct WorkerConfiguration: Sendable, Codable, Equatable {
    /// Unique id of the worker in the cluster.
    public var id: String
    /// The cluster this worker belongs to, said in its registration and heartbeats; a
    /// coordinator of another cluster ignores it ("": not said).
    public var clusterID: String = ""
    /// Must equal the coordinator's shard count.
    public var shardCount: Int = 64
    /// Interval between heartbeats to the coordinator.
    public var heartbeatInterval: Duration = .seconds(1)
    /// Silence of the aggregator's control channel after which the worker falls back to
    /// THROTTLED in every market (fail safe, never unthrottled).
    public var controlSilenceTimeout: Duration = .seconds(5)
    /// Step scale and interval scale applied in that fail-safe THROTTLED state.
    public var failSafeStepScale: Rate = Rate(ppm: 500_000)
    public var failSafeIntervalScale: Rate = Rate(ppm: 2_000_000)
    /// Liquidation policy.
    public var policy: PolicyKind = .stepwise
    /// Interval of the liquidation-demand reports to the aggregator (its budget input);
    /// should equal the aggregator's `budget.interval`.
    public var demandInterval: Duration = .milliseconds(500)
    /// How long a money message, a bankruptcy notice or a tranche order waits for its
    /// acknowledgement (ack, decision or fill) before it is sent again.
    public var retransmitInterval: Duration = .seconds(1)
    /// Money messages of one account waiting for the aggregator's acknowledgement beyond
    /// which the account's commands get BUSY (the aggregator is not keeping up or is down).
    public var maxUnacknowledged: Int = 256
    /// How far from the mark a client's limit price may be (a trade fills at the mark; a
    /// limit further away is refused, so no price a client writes is ever booked).
    public var tradePriceBand: Rate = Rate(ppm: 50_000)
    /// No authentication (an `--insecure` cluster): every client acts as the operator.
    public var openAccess = false

    /// The largest amount one command may move, and the largest collateral an account may
    /// hold (quote units): far below where any sum in the worker or the ledger could
    /// overflow, so what a worker accepts the ledger always books.
    public static let maxCommandAmount = Quote(e6: 1_000_000_000 * 1_000_000)
    public static let maxCollateral = Quote(e6: 10_000_000_000 * 1_000_000)

    public init(id: String, shardCount: Int = 64, policy: PolicyKind = .stepwise) {
        self.id = id
        self.shardCount = shardCount
        self.policy = policy
    }

    public func validate(field: String = "worker") throws(ConfigurationError) {
        if id.isEmpty || id.contains(":") { throw ConfigurationError(field: "\(field).id", reason: "must be non-empty without ':'") }
        if shardCount < 1 { throw ConfigurationError(field: "\(field).shardCount", reason: "must be positive") }
        if heartbeatInterval.nanoseconds <= 0 { throw ConfigurationError(field: "\(field).heartbeatInterval", reason: "must be positive") }
        if controlSilenceTimeout.nanoseconds <= 0 { throw ConfigurationError(field: "\(field).controlSilenceTimeout", reason: "must be positive") }
        if failSafeStepScale.ppm <= 0 || failSafeStepScale.ppm > Precision.rateScale { throw ConfigurationError(field: "\(field).failSafeStepScale", reason: "must be in (0, 1]") }
        if demandInterval.nanoseconds <= 0 { throw ConfigurationError(field: "\(field).demandInterval", reason: "must be positive") }
        if retransmitInterval.nanoseconds <= 0 { throw ConfigurationError(field: "\(field).retransmitInterval", reason: "must be positive") }
        if maxUnacknowledged < 1 { throw ConfigurationError(field: "\(field).maxUnacknowledged", reason: "must be positive") }
        if tradePriceBand.ppm <= 0 || tradePriceBand.ppm > Precision.rateScale { throw ConfigurationError(field: "\(field).tradePriceBand", reason: "must be in (0, 1]") }
        if failSafeIntervalScale.ppm < Precision.rateScale { throw ConfigurationError(field: "\(field).failSafeIntervalScale", reason: "must be at least 1") }
    }
}

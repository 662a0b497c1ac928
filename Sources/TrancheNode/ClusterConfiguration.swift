import Foundation
import TrancheCore

/// Everything a local cluster needs, read from `cluster/local.json` (or `--config FILE`)
/// by every process and by the `tranche` client. Every field has a default except the
/// markets; `validate()` names the offending field.
public struct ClusterConfiguration: Sendable, Codable {
    /// Where the processes bind and connect. `tcp://HOST:PORT` endpoints on other hosts work
    /// (bind addresses may be `tcp://*:PORT`; the `connect` forms must name the host).
    public struct Endpoints: Sendable, Codable, Equatable {
        /// Coordinator ROUTER for clients (`tranche` CLI, load generator).
        public var coordinatorClients = "tcp://127.0.0.1:7400"
        /// Coordinator ROUTER for workers (register, heartbeats, assignments, routed commands).
        public var coordinatorWorkers = "tcp://127.0.0.1:7401"
        /// Venue PUB: marks and depth.
        public var venueMarketData = "tcp://127.0.0.1:7410"
        /// Venue ROUTER: tranche orders (workers, aggregator) and price updates.
        public var venueOrders = "tcp://127.0.0.1:7411"
        /// Aggregator PULL: worker reports (ledger postings, fills, notices, ADL candidates, events).
        public var aggregatorReports = "tcp://127.0.0.1:7420"
        /// Aggregator PUB: breaker and fund state, ADL, deficit cover.
        public var aggregatorControl = "tcp://127.0.0.1:7421"
        /// Aggregator ROUTER: queries (fund).
        public var aggregatorQueries = "tcp://127.0.0.1:7422"
        /// Aggregator PUB: every cluster event (`tranche events --follow`).
        public var events = "tcp://127.0.0.1:7423"

        public init() {}

        var all: [(String, String)] {
            [("coordinatorClients", coordinatorClients), ("coordinatorWorkers", coordinatorWorkers), ("venueMarketData", venueMarketData),
             ("venueOrders", venueOrders), ("aggregatorReports", aggregatorReports), ("aggregatorControl", aggregatorControl),
             ("aggregatorQueries", aggregatorQueries), ("events", events)]
        }
    }

    /// One market of the cluster: specification, venue book, mark rule, breaker, and the
    /// venue's starting price.
    public struct Market: Sendable, Codable {
        public var market: MarketSpec
        public var initialPrice: Price
        public var venue: VenueBookConfiguration = .init()
        public var markPrice: MarkPriceConfiguration = .init()
        public var breaker: BreakerParameters = .init()
        public var recalibration: RecalibrationParameters?
    }

    /// Where the CurveZMQ keys are (docs/security.md).
    public struct Security: Sendable, Codable, Equatable {
        /// The cluster's key directory: members' and operator's keys (default: RUN_DIRECTORY/keys).
        public var keyDirectory: String?
        /// The key file the `tranche` CLI uses (default: the operator's, KEY_DIRECTORY/operator.key).
        public var clientKey: String?
        public init() {}
    }

    public var endpoints = Endpoints()
    public var security = Security()
    /// Each process's Prometheus endpoint.
    public var metrics = MetricsSettings()
    /// Durable state: one database per shard, the aggregator's ledger, the coordinator's map.
    public var dataDirectory = "run/data"
    /// Logs and PID files of `scripts/cluster-up.sh`.
    public var runDirectory = "run"
    /// Virtual shards (fixed for the life of the data directory).
    public var shards = 64
    /// Workers `scripts/cluster-up.sh` starts by default.
    public var workers = 2
    /// Interval at which the venue publishes marks.
    public var markInterval: Duration = .seconds(1)
    /// Group-commit window of the worker's store.
    /// 0 (the default): a batch is committed as soon as the previous commit ends, so an
    /// idle worker commits a command at once and a busy one batches what arrived meanwhile.
    public var groupCommitWindow: Duration = .zero
    public var coordinator = CoordinatorConfiguration()
    public var worker = WorkerSettings()
    public var aggregator = AggregatorConfiguration()
    public var markets: [Market]

    /// Worker settings shared by every worker (each gets its own id at start).
    public struct WorkerSettings: Sendable, Codable, Equatable {
        /// Interval between heartbeats to the coordinator.
        public var heartbeatInterval: Duration = .seconds(1)
        /// Silence of the aggregator after which the worker throttles on its own.
        public var controlSilenceTimeout: Duration = .seconds(5)
        public var policy: PolicyKind = .stepwise
        /// How long a money message, notice or order waits for its answer before it is sent again.
        public var retransmitInterval: Duration = .seconds(1)
        /// Unacknowledged money messages per account beyond which its commands get BUSY.
        public var maxUnacknowledged: Int = 256
        /// How far from the mark a client's limit price may be (trades fill at the mark).
        public var tradePriceBand: Rate = Rate(ppm: 50_000)
        public init() {}
    }

    public init(markets: [Market]) { self.markets = markets }

    /// Checks every field, naming the offending one.
    public func validate() throws(ConfigurationError) {
        for (name, endpoint) in endpoints.all {
            guard endpoint.hasPrefix("tcp://") || endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") else {
                throw ConfigurationError(field: "endpoints.\(name)", reason: "'\(endpoint)' is not a ZeroMQ endpoint (tcp://HOST:PORT, ipc://PATH)")
            }
        }
        let distinct = Set(endpoints.all.map(\.1))
        if distinct.count != endpoints.all.count { throw ConfigurationError(field: "endpoints", reason: "two roles cannot share an endpoint") }
        if dataDirectory.isEmpty { throw ConfigurationError(field: "dataDirectory", reason: "must not be empty") }
        if runDirectory.isEmpty { throw ConfigurationError(field: "runDirectory", reason: "must not be empty") }
        if shards < 1 || shards > 9_999 { throw ConfigurationError(field: "shards", reason: "must be in 1…9999") }
        if workers < 1 || workers > 64 { throw ConfigurationError(field: "workers", reason: "must be in 1…64") }
        if markInterval.nanoseconds <= 0 { throw ConfigurationError(field: "markInterval", reason: "must be positive") }
        if groupCommitWindow.nanoseconds < 0 { throw ConfigurationError(field: "groupCommitWindow", reason: "must not be negative") }
        var c = coordinator
        c.shardCount = shards
        try c.validate(field: "coordinator")
        try aggregator.validate(field: "aggregator")
        if worker.heartbeatInterval.nanoseconds <= 0 { throw ConfigurationError(field: "worker.heartbeatInterval", reason: "must be positive") }
        if worker.controlSilenceTimeout.nanoseconds <= 0 { throw ConfigurationError(field: "worker.controlSilenceTimeout", reason: "must be positive") }
        if worker.retransmitInterval.nanoseconds <= 0 { throw ConfigurationError(field: "worker.retransmitInterval", reason: "must be positive") }
        if worker.maxUnacknowledged < 1 { throw ConfigurationError(field: "worker.maxUnacknowledged", reason: "must be positive") }
        if worker.tradePriceBand.ppm <= 0 || worker.tradePriceBand.ppm > Precision.rateScale { throw ConfigurationError(field: "worker.tradePriceBand", reason: "must be in (0, 1]") }
        if markets.isEmpty { throw ConfigurationError(field: "markets", reason: "at least one market is required") }
        var seen = Set<MarketID>()
        for (i, m) in markets.enumerated() {
            try m.market.validate(field: "markets[\(i)].market")
            if !seen.insert(m.market.id).inserted { throw ConfigurationError(field: "markets[\(i)].market.id", reason: "duplicate market \(m.market.id)") }
            if m.initialPrice.e8 <= 0 { throw ConfigurationError(field: "markets[\(i)].initialPrice", reason: "must be positive") }
            try m.venue.validate(field: "markets[\(i)].venue")
            try m.markPrice.validate(field: "markets[\(i)].markPrice")
            try m.breaker.validate(field: "markets[\(i)].breaker")
            try m.recalibration?.validate(field: "markets[\(i)].recalibration")
        }
    }

    /// The key directory (absolute or relative to the working directory).
    public var keyDirectory: URL { URL(fileURLWithPath: security.keyDirectory ?? (runDirectory as NSString).appendingPathComponent("keys")) }

    /// The key file a client uses by default: the configured one, else the operator's.
    public var clientKeyFile: URL { security.clientKey.map { URL(fileURLWithPath: $0) } ?? KeyFiles.secretFile(KeyFiles.operatorNode, in: keyDirectory) }

    /// The coordinator's settings with the cluster's shard count.
    public var coordinatorConfiguration: CoordinatorConfiguration {
        var c = coordinator
        c.shardCount = shards
        c.clusterID = clusterID
        return c
    }

    /// A cluster is identified by its data directory (absolute): a worker started with
    /// another configuration's data directory (another cluster on the same ports, say)
    /// says so in its handshake and is ignored.
    public var clusterID: String { URL(fileURLWithPath: dataDirectory).standardizedFileURL.path }

    /// A worker's settings.
    public func workerConfiguration(id: String) -> WorkerConfiguration {
        var w = WorkerConfiguration(id: id, shardCount: shards, policy: worker.policy)
        w.clusterID = clusterID
        w.heartbeatInterval = worker.heartbeatInterval
        w.controlSilenceTimeout = worker.controlSilenceTimeout
        w.retransmitInterval = worker.retransmitInterval
        w.maxUnacknowledged = worker.maxUnacknowledged
        w.tradePriceBand = worker.tradePriceBand
        return w
    }
}

extension ClusterConfiguration {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case endpoints, security, metrics, dataDirectory, runDirectory, shards, workers, markInterval, groupCommitWindow, coordinator, worker, aggregator, markets
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        markets = try c.decode([Market].self, forKey: .markets)
        endpoints = try c.decode(.endpoints, default: Endpoints())
        security = try c.decode(.security, default: Security())
        metrics = try c.decode(.metrics, default: MetricsSettings())
        dataDirectory = try c.decode(.dataDirectory, default: "run/data")
        runDirectory = try c.decode(.runDirectory, default: "run")
        shards = try c.decode(.shards, default: 64)
        workers = try c.decode(.workers, default: 2)
        markInterval = try c.decode(.markInterval, default: .seconds(1))
        groupCommitWindow = try c.decode(.groupCommitWindow, default: .zero)
        coordinator = try c.decode(.coordinator, default: CoordinatorConfiguration())
        worker = try c.decode(.worker, default: WorkerSettings())
        aggregator = try c.decode(.aggregator, default: AggregatorConfiguration())
    }
}

extension ClusterConfiguration.Endpoints {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case coordinatorClients, coordinatorWorkers, venueMarketData, venueOrders, aggregatorReports, aggregatorControl, aggregatorQueries, events
    }
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        coordinatorClients = try c.decode(.coordinatorClients, default: d.coordinatorClients)
        coordinatorWorkers = try c.decode(.coordinatorWorkers, default: d.coordinatorWorkers)
        venueMarketData = try c.decode(.venueMarketData, default: d.venueMarketData)
        venueOrders = try c.decode(.venueOrders, default: d.venueOrders)
        aggregatorReports = try c.decode(.aggregatorReports, default: d.aggregatorReports)
        aggregatorControl = try c.decode(.aggregatorControl, default: d.aggregatorControl)
        aggregatorQueries = try c.decode(.aggregatorQueries, default: d.aggregatorQueries)
        events = try c.decode(.events, default: d.events)
    }
}

extension ClusterConfiguration.Market {
    enum CodingKeys: String, CodingKey, CaseIterable { case market, initialPrice, venue, markPrice, breaker, recalibration }
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        market = try c.decode(MarketSpec.self, forKey: .market)
        initialPrice = try c.decode(Price.self, forKey: .initialPrice)
        venue = try c.decode(.venue, default: VenueBookConfiguration())
        markPrice = try c.decode(.markPrice, default: MarkPriceConfiguration())
        breaker = try c.decode(.breaker, default: BreakerParameters())
        recalibration = try c.decodeIfPresent(RecalibrationParameters.self, forKey: .recalibration)
    }
}

extension ClusterConfiguration.WorkerSettings {
    enum CodingKeys: String, CodingKey, CaseIterable { case heartbeatInterval, controlSilenceTimeout, policy, retransmitInterval, maxUnacknowledged, tradePriceBand }
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        heartbeatInterval = try c.decode(.heartbeatInterval, default: d.heartbeatInterval)
        controlSilenceTimeout = try c.decode(.controlSilenceTimeout, default: d.controlSilenceTimeout)
        policy = try c.decode(.policy, default: d.policy)
        retransmitInterval = try c.decode(.retransmitInterval, default: d.retransmitInterval)
        maxUnacknowledged = try c.decode(.maxUnacknowledged, default: d.maxUnacknowledged)
        tradePriceBand = try c.decode(.tradePriceBand, default: d.tradePriceBand)
    }
}

extension ClusterConfiguration.Security {
    enum CodingKeys: String, CodingKey, CaseIterable { case keyDirectory, clientKey }
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keyDirectory = try c.decodeIfPresent(String.self, forKey: .keyDirectory)
        clientKey = try c.decodeIfPresent(String.self, forKey: .clientKey)
    }
}

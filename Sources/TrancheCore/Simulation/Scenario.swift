/// A simulation scenario: markets with their books and exogenous price paths, the
/// accounts, the insurance fund, the cluster's shape, and the seed. Read from JSON by
/// `tranche simulate SCENARIO.json`; every field but `name`, `duration`, `markets` and
/// `accounts` has a default.
public struct Scenario: Sendable, Codable {
    /// Short name shown in reports.
    public var name: String
    /// What the scenario shows (free text).
    public var description: String = ""
    /// Seed of every random draw (price paths, accounts). Same seed ⇒ same run.
    public var seed: UInt64 = 1
    /// Length of the exogenous price paths.
    public var duration: Duration
    /// Time simulated after the paths end (prices held), for liquidations to finish.
    public var tail: Duration = .seconds(60)
    /// Interval between exogenous price updates (and mark publications).
    public var markInterval: Duration = .seconds(1)
    /// Worker processes simulated.
    public var workers: Int = 4
    /// Virtual shards accounts are hashed into.
    public var shards: Int = 64
    /// One-way delay of every message in the in-memory network.
    public var latency: Duration = .milliseconds(1)
    /// The insurance fund's starting balance and floor.
    public var insuranceFund: InsuranceFundSetup = .init()
    /// The aggregator's cluster-wide liquidation budget (on by default, calibrated).
    public var budget: LiquidationBudgetConfiguration = .init()
    /// Traders who top up when their margin falls (none by default).
    public var topUps: TopUpBehaviour = .init()
    public var markets: [MarketScenario]
    public var accounts: AccountPopulation

    public init(name: String, duration: Duration, markets: [MarketScenario], accounts: AccountPopulation) {
        self.name = name
        self.duration = duration
        self.markets = markets
        self.accounts = accounts
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, seed, duration, tail, markInterval, workers, shards, latency, insuranceFund, budget, topUps, markets, accounts
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decode(.description, default: "")
        seed = try c.decode(.seed, default: 1)
        duration = try c.decode(Duration.self, forKey: .duration)
        tail = try c.decode(.tail, default: .seconds(60))
        markInterval = try c.decode(.markInterval, default: .seconds(1))
        workers = try c.decode(.workers, default: 4)
        shards = try c.decode(.shards, default: 64)
        latency = try c.decode(.latency, default: .milliseconds(1))
        insuranceFund = try c.decode(.insuranceFund, default: InsuranceFundSetup())
        budget = try c.decode(.budget, default: LiquidationBudgetConfiguration())
        topUps = try c.decode(.topUps, default: TopUpBehaviour())
        markets = try c.decode([MarketScenario].self, forKey: .markets)
        accounts = try c.decode(AccountPopulation.self, forKey: .accounts)
    }

    /// Checks every field, naming the offending one.
    public func validate() throws(ConfigurationError) {
        if name.isEmpty { throw ConfigurationError(field: "name", reason: "must not be empty") }
        if duration.nanoseconds <= 0 { throw ConfigurationError(field: "duration", reason: "must be positive") }
        if tail.nanoseconds < 0 { throw ConfigurationError(field: "tail", reason: "must not be negative") }
        if markInterval.nanoseconds <= 0 { throw ConfigurationError(field: "markInterval", reason: "must be positive") }
        if duration.nanoseconds / markInterval.nanoseconds > 10_000_000 { throw ConfigurationError(field: "markInterval", reason: "more than 10 million price points") }
        if workers < 1 || workers > 256 { throw ConfigurationError(field: "workers", reason: "must be in 1…256") }
        if shards < 1 || shards > 65_536 { throw ConfigurationError(field: "shards", reason: "must be in 1…65536") }
        if latency.nanoseconds <= 0 { throw ConfigurationError(field: "latency", reason: "must be positive (messages take time)") }
        try insuranceFund.validate(field: "insuranceFund")
        try budget.validate(field: "budget")
        try topUps.validate(field: "topUps")
        if markets.isEmpty { throw ConfigurationError(field: "markets", reason: "at least one market is required") }
        var seen = Set<MarketID>()
        for (i, m) in markets.enumerated() {
            try m.validate(field: "markets[\(i)]")
            if !seen.insert(m.market.id).inserted { throw ConfigurationError(field: "markets[\(i)].market.id", reason: "duplicate market \(m.market.id)") }
        }
        try accounts.validate(field: "accounts", markets: markets)
    }
}

/// The insurance fund at the start of a scenario.
public struct InsuranceFundSetup: Sendable, Codable {
    /// Seed capital (a deposit into the fund).
    public var initialBalance: Quote = Quote(e6: 1_000_000_000_000)
    /// The fund stops paying deficits below this balance.
    public var floor: Quote = .zero

    public init(initialBalance: Quote = Quote(e6: 1_000_000_000_000), floor: Quote = .zero) {
        self.initialBalance = initialBalance
        self.floor = floor
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case initialBalance, floor }
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        initialBalance = try c.decode(.initialBalance, default: Quote(e6: 1_000_000_000_000))
        floor = try c.decode(.floor, default: .zero)
    }

    public func validate(field: String) throws(ConfigurationError) {
        if initialBalance.isNegative { throw ConfigurationError(field: "\(field).initialBalance", reason: "must not be negative") }
        try InsuranceFundPolicy(floor: floor).validate(field: field)
    }
}

/// One market of a scenario: its specification, venue book, mark rule, breaker,
/// recalibration and exogenous price path.
public struct MarketScenario: Sendable, Codable {
    public var market: MarketSpec
    /// Exogenous price at t = 0 (positions of generated accounts are opened there).
    public var initialPrice: Price
    public var path: PricePath
    public var venue: VenueBookConfiguration = .init()
    public var markPrice: MarkPriceConfiguration = .init()
    public var breaker: BreakerParameters = .init()
    /// Dynamic recalibration of band, step and breaker capacity; nil keeps them fixed.
    public var recalibration: RecalibrationParameters?

    public init(market: MarketSpec, initialPrice: Price, path: PricePath) {
        self.market = market
        self.initialPrice = initialPrice
        self.path = path
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case market, initialPrice, path, venue, markPrice, breaker, recalibration }
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        market = try c.decode(MarketSpec.self, forKey: .market)
        initialPrice = try c.decode(Price.self, forKey: .initialPrice)
        path = try c.decode(PricePath.self, forKey: .path)
        venue = try c.decode(.venue, default: VenueBookConfiguration())
        markPrice = try c.decode(.markPrice, default: MarkPriceConfiguration())
        breaker = try c.decode(.breaker, default: BreakerParameters())
        recalibration = try c.decodeIfPresent(RecalibrationParameters.self, forKey: .recalibration)
    }

    public func validate(field: String) throws(ConfigurationError) {
        try market.validate(field: "\(field).market")
        if initialPrice.e8 <= 0 { throw ConfigurationError(field: "\(field).initialPrice", reason: "must be positive") }
        try path.validate(field: "\(field).path")
        try venue.validate(field: "\(field).venue")
        try markPrice.validate(field: "\(field).markPrice")
        try breaker.validate(field: "\(field).breaker")
        try recalibration?.validate(field: "\(field).recalibration")
    }
}

@testable import TrancheCore

enum SimulationFixtures {
    /// A BTC market whose book is thin enough for liquidations to move it.
    static func market(drop: String = "0.2", over: Int64 = 60, recovery: String = "0", notionalPerLevel: String = "20000",
                       levels: Int = 40, resilience: Int64 = 30) -> MarketScenario {
        var spec = Fixtures.btc()
        spec.liquidation.graceWindow = .seconds(5)
        var crash = PricePath.Crash()
        crash.start = .seconds(20)
        crash.drop = rate(drop)
        crash.over = .seconds(over)
        crash.recovery = rate(recovery)
        crash.holdBottom = .seconds(10)
        crash.recoverOver = .seconds(30)
        var m = MarketScenario(market: spec, initialPrice: px("20000"), path: .crash(crash))
        m.venue.depth = .generated(GeneratedDepth(levelCount: levels, spacing: rate("0.001"), notionalPerLevel: q(notionalPerLevel), growth: rate("0.05")))
        m.venue.resilienceHalfLife = .seconds(resilience)
        m.venue.tickSize = px("0.1")
        m.markPrice.maxDeviation = rate("0.02")
        m.markPrice.basisHalfLife = .seconds(10)
        return m
    }

    static func scenario(accounts: Int = 200, workers: Int = 2, seed: UInt64 = 7, market: MarketScenario = market(), duration: Int64 = 120) -> Scenario {
        var population = AccountPopulation()
        population.count = accounts
        population.collateralMin = q("1000")
        population.collateralMax = q("20000")
        population.leverageMin = 3
        population.leverageMax = 25
        population.longShare = 0.8
        population.isolatedShare = 0.2
        var s = Scenario(name: "test", duration: .seconds(duration), markets: [market], accounts: population)
        s.seed = seed
        s.workers = workers
        s.shards = 16
        s.tail = .seconds(30)
        s.insuranceFund = InsuranceFundSetup(initialBalance: q("100000"))
        return s
    }
}

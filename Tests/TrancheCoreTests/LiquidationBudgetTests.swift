import Testing
@testable import TrancheCore

@Suite struct LiquidationBudgetTests {
    static func due(_ ratio: Int64, _ account: UInt64, _ notional: Int64) -> Message.LiquidationDemand.DueTranche {
        .init(marginRatioPpm: ratio, account: AccountID(account), notional: Quote(e6: notional))
    }

    /// Budget 100 over two workers' lists: (bankrupt, #9, 50), (0.3, #2, 30) | (0.3, #5, 40),
    /// (0.7, #1, 10). Merged worst first: #9 (50 left), #2 (20 left), #5 (−20: it goes, the
    /// budget is spent) → cutoff (0.3, #5); #1 waits.
    @Test func cutoffAdmitsWorstFirstUpToOneTrancheOverTheBudget() {
        let a = [Self.due(-1, 9, 50), Self.due(300_000, 2, 30)], b = [Self.due(300_000, 5, 40), Self.due(700_000, 1, 10)]
        let c = BudgetCutoff.cutoff(budgetE6: 100, reports: [(a, false), (b, false)])
        #expect(c?.ratioPpm == 300_000 && c?.account == AccountID(5))
        let budget = Message.LiquidationBudget(market: "BTC-PERP", sequence: 1, ratePerSecond: .zero, cutoffRatioPpm: c?.ratioPpm,
                                               cutoffAccount: c?.account ?? AccountID(0), at: .zero)
        #expect(budget.admits(marginRatioPpm: -1, account: AccountID(9)))
        #expect(budget.admits(marginRatioPpm: 300_000, account: AccountID(2)))
        #expect(budget.admits(marginRatioPpm: 300_000, account: AccountID(5)))
        #expect(!budget.admits(marginRatioPpm: 300_000, account: AccountID(6)))
        #expect(!budget.admits(marginRatioPpm: 700_000, account: AccountID(1)))
        // Everything fits: no cutoff. Nothing fits: the worst still goes.
        #expect(BudgetCutoff.cutoff(budgetE6: 1_000, reports: [(a, false), (b, false)]) == nil)
        #expect(BudgetCutoff.cutoff(budgetE6: 0, reports: [(a, false), (b, false)])?.account == AccountID(9))
    }

    /// A list cut short bounds the cutoff: past its last tranche nothing is known.
    @Test func aTruncatedListBoundsTheCutoff() {
        let a = [Self.due(100_000, 1, 10), Self.due(200_000, 2, 10)], b = [Self.due(150_000, 3, 10), Self.due(900_000, 4, 10)]
        let c = BudgetCutoff.cutoff(budgetE6: 1_000, reports: [(a, true), (b, false)])
        #expect(c?.ratioPpm == 200_000 && c?.account == AccountID(2))
    }

    /// D = 5 000 000 in a 1 % band, h = 20 s: r = ln 2 / 20 = 0.034657, floor ½·r·D = 86 643/s,
    /// ceiling ¼·D = 1 250 000/s, η = 0.01 / (r·D) = 5.7708e-8. σ² = 1e-7, λ = 1e-6:
    /// κ = √(1e-13 / 5.7708e-8) = 1.3164e-3. Backlog 100 M, no trend: v = κX = 131 640/s.
    /// A trend of 0.1 %/s adds μ/(2ηκ) = 6.58 M/s: the ceiling. A backlog of 10 M: κX =
    /// 13 164/s, below the floor: 86 643/s.
    @Test func paceIsTheAlmgrenChrissRateWithinTheBooksLimits() {
        let c = LiquidationBudgetConfiguration()
        let calm = LiquidationPace.compute(depth: 5e6, band: 0.01, backlog: 100e6, variancePerSecond: 1e-7, drift: 0, configuration: c)
        #expect(abs(calm.floorRate - 86_643) < 1)
        #expect(abs(calm.ceilingRate - 1_250_000) < 1e-6)
        #expect(abs(calm.kappa - 1.3164e-3) < 1e-7)
        #expect(abs(calm.ratePerSecond - 131_640) < 20)
        let falling = LiquidationPace.compute(depth: 5e6, band: 0.01, backlog: 100e6, variancePerSecond: 1e-7, drift: -1e-3, configuration: c)
        #expect(falling.ratePerSecond == falling.ceilingRate)
        let small = LiquidationPace.compute(depth: 5e6, band: 0.01, backlog: 10e6, variancePerSecond: 1e-7, drift: 0, configuration: c)
        #expect(small.ratePerSecond == small.floorRate)
        let empty = LiquidationPace.compute(depth: 0, band: 0.01, backlog: 10e6, variancePerSecond: 1e-7, drift: 0, configuration: c)
        #expect(empty.ratePerSecond == 0)
    }

    /// The bracket-0 case of the mechanism issue: a maintenance amount on the first
    /// bracket is refused, since small positions would need no maintenance at all.
    @Test func firstBracketWithAMaintenanceAmountIsRefused() throws {
        var m = MarketSpec(id: "ETH-PERP", tickSize: Price(e8: 1_000_000), stepSize: Size(e8: 1_000_000),
                           brackets: [MarginBracket(notionalFloor: .zero, initialMarginRate: Rate(ppm: 20_000), maintenanceMarginRate: Rate(ppm: 10_000))])
        try m.validate()
        m.brackets[0].maintenanceAmount = try Quote(units: 135_365)
        #expect(performing: { try m.validate() }, throws: { ($0 as? ConfigurationError)?.field == "market.brackets[0].maintenanceAmount" })
    }
}

import Testing
@testable import TrancheCore

@Suite struct LiquidationBudgetTests {
    /// Budget 100 over demand [50, 30, 40] (bankrupt, then ratio buckets): buckets 0 and 1
    /// fit (80), 20 of bucket 2's 40 is left: half of it is admitted.
    @Test func cutoffServesTheWorstBucketsFirst() {
        let c = BudgetCutoff.cutoff(budgetE6: 100, demand: [50, 30, 40])
        #expect(c.bucket == 2 && c.admitPpm == 500_000)
        #expect(BudgetCutoff.cutoff(budgetE6: 1_000, demand: [50, 30, 40]) == (BudgetCutoff.bucketCount, 0))
        // A budget too small for anything still admits a sliver of the worst bucket.
        #expect(BudgetCutoff.cutoff(budgetE6: 0, demand: [0, 10]) == (1, 1))
    }

    @Test func admissionDependsOnlyOnTheBucketTheAccountAndTheBudget() {
        #expect(BudgetCutoff.admits(bucket: 1, account: AccountID(7), cutoff: 2, admitPpm: 0, sequence: 3))
        #expect(!BudgetCutoff.admits(bucket: 3, account: AccountID(7), cutoff: 2, admitPpm: 1_000_000, sequence: 3))
        #expect(BudgetCutoff.admits(bucket: 2, account: AccountID(7), cutoff: 2, admitPpm: 1_000_000, sequence: 3))
        #expect(!BudgetCutoff.admits(bucket: 2, account: AccountID(7), cutoff: 2, admitPpm: 0, sequence: 3))
        // Half admitted: about half of many accounts, the same answer every time.
        let admitted = (1...10_000).filter { BudgetCutoff.admits(bucket: 5, account: AccountID(UInt64($0)), cutoff: 5, admitPpm: 500_000, sequence: 9) }
        #expect((4_700...5_300).contains(admitted.count))
        #expect(admitted == (1...10_000).filter { BudgetCutoff.admits(bucket: 5, account: AccountID(UInt64($0)), cutoff: 5, admitPpm: 500_000, sequence: 9) })
    }

    @Test func bucketsOrderByMarginRatio() {
        #expect(BudgetCutoff.bucket(marginRatioPpm: 400_000, bankrupt: true) == 0)
        #expect(BudgetCutoff.bucket(marginRatioPpm: 0, bankrupt: false) == 1)
        #expect(BudgetCutoff.bucket(marginRatioPpm: 15_624, bankrupt: false) == 1)
        #expect(BudgetCutoff.bucket(marginRatioPpm: 15_625, bankrupt: false) == 2)
        #expect(BudgetCutoff.bucket(marginRatioPpm: 999_999, bankrupt: false) == 64)
        #expect(BudgetCutoff.bucket(marginRatioPpm: 1_200_000, bankrupt: false) == 65)
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

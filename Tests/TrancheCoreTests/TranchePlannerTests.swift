import Testing
@testable import TrancheCore

@Suite struct TranchePlannerTests {
    let policy = StepwisePolicy()

    /// Collateral 1000, long 1 BTC at 20 000, mark 19 100: equity 100, maintenance 191.
    /// Target: 100 − 0.2 % x ≥ 1.5 % (19 100 − x), x = q × 19 100
    ///   → 0.013 x ≥ 186.5 → x ≥ 14 346.15 → q ≥ 0.7511075 → 0.752 on the 0.001 grid.
    /// Check 0.752: fee 28.7264, equity 71.2736 ≥ target(4736.8) = 47.368 + 23.684 = 71.052 ✓
    /// Check 0.751: fee 28.6882, equity 71.3118 < target(4755.9) = 71.3385 ✗
    @Test func smallestRestoringTrancheInOneBracket() throws {
        let a = Account(id: AccountID(1), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")])
        let full = try policy.nextTranche(account: a, scope: .cross, context: Fixtures.context(btc: "19100", btcSpec: Fixtures.btc(maxStep: "1")), adjustments: .none)!
        #expect(full.size == sz("0.752"))
        #expect(full.reason == .restoreMargin)
        #expect(full.restoresTarget)
        #expect(full.orderSide == .short)
        // Limit: the band gives 19 100 × 0.99 = 18 909, but the scope is solvent and its
        // bankruptcy price is 19 000: a sell below it would create a deficit, so 19 000.
        #expect(full.limitPrice == px("19000"))
        #expect(full.estimatedFee == q("28.7264"))  // 0.752 × 19 100 × 0.2 %

        // With the default 25 % cap: 0.25 now, about ⌈0.752 / 0.25⌉ = 4 tranches.
        let capped = try policy.nextTranche(account: a, scope: .cross, context: Fixtures.context(btc: "19100"), adjustments: .none)!
        #expect(capped.size == sz("0.25"))
        #expect(!capped.restoresTarget)
        #expect(capped.estimatedRemainingTranches == 4)
        // A throttled breaker halves the step: 0.125.
        let throttled = try policy.nextTranche(account: a, scope: .cross, context: Fixtures.context(btc: "19100"), adjustments: PlanAdjustments(stepScale: rate("0.5")))!
        #expect(throttled.size == sz("0.125"))
    }

    /// A falling trend projecting −1 % over the grace window raises the target by 1 %:
    /// 100 − 0.2 % x ≥ 2.5 % (19 100 − x) → 0.023 x ≥ 377.5 → x ≥ 16 413.04 → q ≥ 0.859322
    /// → 0.86 on the grid (against 0.752 without the trend); the 25 % cap still holds.
    @Test func anAdverseTrendRaisesTheTargetButNotTheCap() throws {
        let a = Account(id: AccountID(1), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")])
        let trend = PlanAdjustments(trendBuffer: rate("0.01"))
        let full = try policy.nextTranche(account: a, scope: .cross, context: Fixtures.context(btc: "19100", btcSpec: Fixtures.btc(maxStep: "1")), adjustments: trend)!
        #expect(full.size == sz("0.86"))
        let capped = try policy.nextTranche(account: a, scope: .cross, context: Fixtures.context(btc: "19100"), adjustments: trend)!
        #expect(capped.size == sz("0.25"))
        #expect(capped.estimatedRemainingTranches == 4)
    }

    /// Planned at the expected fill: the bids start at 19 090 (0.0524 % under the mark) and
    /// hold 100 000 over the 1 % band. 0.752 at the mark (14 363.2) would fill
    /// 0.0524 % + ½ × 1 % × 14 363.2 / 100 000 = 0.1242 % under it: a loss of 17.84, so
    /// equity 82.16 needs 0.013 x ≥ 204.34 → 0.823; again: 0.1310 %, 20.59 → 0.834; again:
    /// 0.1320 %, 21.03 → 0.836 (three rounds).
    @Test func tranchesArePlannedAtTheExpectedFill() throws {
        let a = Account(id: AccountID(1), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")])
        let book = PlanAdjustments.BookAtHand(best: px("19090"), depthInBand: q("100000"), band: rate("0.01"))
        let plan = try policy.nextTranche(account: a, scope: .cross, context: Fixtures.context(btc: "19100", btcSpec: Fixtures.btc(maxStep: "1")),
                                          adjustments: PlanAdjustments(book: book))!
        #expect(plan.size == sz("0.836"))
        // A deep book costs next to nothing: back to about the mark's answer.
        let deep = PlanAdjustments.BookAtHand(best: px("19099.9"), depthInBand: q("100000000"), band: rate("0.01"))
        let atMark = try policy.nextTranche(account: a, scope: .cross, context: Fixtures.context(btc: "19100", btcSpec: Fixtures.btc(maxStep: "1")),
                                            adjustments: PlanAdjustments(book: deep))!
        #expect(atMark.size == sz("0.752") || atMark.size == sz("0.753"))
    }

    /// Mark 19 020: equity 20, maintenance 190.2, ratio 0.105 < floor 0.5: the step cap is
    /// lifted. 20 − 0.2 % x ≥ 1.5 % (19 020 − x) ⇒ 0.013 x ≥ 265.3 ⇒ x ≥ 20 407.7 > 19 020:
    /// only closing restores it, so the whole position goes (not a 25 % step).
    @Test func belowTheHardFloorTheCapIsLifted() throws {
        let a = Account(id: AccountID(1), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")])
        let plan = try policy.nextTranche(account: a, scope: .cross, context: Fixtures.context(btc: "19020"), adjustments: .none)!
        #expect(plan.size == sz("1"))
    }

    /// Same account, min tranche notional 5000: after 0.752 the rest, 0.248 × 19 100 =
    /// 4736.8, would be dust → the whole position is closed.
    @Test func dustIsClosedWhole() throws {
        let a = Account(id: AccountID(1), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")])
        let plan = try policy.nextTranche(account: a, scope: .cross, context: Fixtures.context(btc: "19100", btcSpec: Fixtures.btc(maxStep: "1", minTranche: "5000")), adjustments: .none)!
        #expect(plan.size == sz("1"))
        #expect(plan.reason == .closeRemainder)
    }

    /// Across brackets. Long 20 BTC at 20 000, collateral 25 000, mark 19 000:
    ///   equity 25 000 − 20 000 = 5000; notional 380 000 (bracket 2), maintenance 11 000.
    ///   Bracket 2: N* = (5000 − 0.2 % × 380 000 + 8000) / (5 % + 0.5 % − 0.2 %)
    ///            = 12 240 / 0.053 = 230 943 < 250 000: not in bracket 2, go down.
    ///   Bracket 1: N* = (5000 − 760 + 500) / (2 % + 0.5 % − 0.2 %) = 4740 / 0.023 = 206 086.96 ✓
    ///   x = 380 000 − 206 086.96 = 173 913.04 → q = 9.1533 → 9.154.
    /// Check 9.154: fee 347.852 → 4652.148 ≥ target(206 074) = 3621.48 + 1030.37 = 4651.85 ✓
    /// Check 9.153: fee 347.814 → 4652.186 < target(206 093) = 3621.86 + 1030.465 = 4652.325 ✗
    /// Staying in bracket 2's rates would have given 7.845, which does not restore.
    @Test func solvesAcrossBracketBoundaries() throws {
        let a = Account(id: AccountID(2), collateral: q("25000"), positions: [Fixtures.long("20", at: "20000")])
        let ctx = Fixtures.context(btc: "19000", btcSpec: Fixtures.btc(maxStep: "1"))
        let plan = try policy.nextTranche(account: a, scope: .cross, context: ctx, adjustments: .none)!
        #expect(plan.size == sz("9.154"))
        #expect(plan.restoresTarget)
        let solver = TrancheSolver(spec: Fixtures.btc(), mark: px("19000"), absSize: sz("20"), equity: q("5000"), othersTarget: .zero)
        #expect(try solver.closedFormSteps() == 9154)  // the closed form alone is already exact here
        #expect(try !solver.restores(sz("7.845")))
    }

    /// Cross account with BTC (MMR 1 %) and ETH (MMR 2.5 %): ETH frees 2.5 + 0.5 − 0.2 =
    /// 2.8 % of target per unit notional against BTC's 1.3 %, so ETH goes first.
    @Test func crossOrderPrefersHighestRelief() throws {
        let a = Account(id: AccountID(3), collateral: q("700"), positions: [
            Fixtures.long("1", at: "20000"), Fixtures.long("10", at: "1000", market: "ETH-PERP"),
        ])
        let ctx = Fixtures.context(btc: "19900", eth: "950")
        // equity 700 − 100 − 500 = 100; maintenance 199 + 237.5 = 436.5: liquidatable.
        let plan = try policy.nextTranche(account: a, scope: .cross, context: ctx, adjustments: .none)!
        #expect(plan.market == "ETH-PERP")
        #expect(try StepwisePolicy.liquidationOrder(a.positions, ctx).map(\.market) == ["ETH-PERP", "BTC-PERP"])
    }

    /// Equity at or below zero: the position is closed whole.
    @Test func bankruptScopeIsClosedWhole() throws {
        let a = Account(id: AccountID(4), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")])
        let plan = try policy.nextTranche(account: a, scope: .cross, context: Fixtures.context(btc: "18900"), adjustments: .none)!
        #expect(plan.size == sz("1"))
        #expect(plan.reason == .bankrupt)
    }

    @Test func healthyScopeNeedsNoTranche() throws {
        let a = Account(id: AccountID(5), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")])
        #expect(try policy.nextTranche(account: a, scope: .cross, context: Fixtures.context(btc: "19500"), adjustments: .none) == nil)
    }

    /// All-or-nothing closes everything at once, limited at the bankruptcy price when that
    /// lies beyond the mark. Long 1 at 20 000, collateral 1000, mark 19 100: bankruptcy
    /// 19 000 < mark → limit 19 000.
    @Test func allOrNothingClosesWhole() throws {
        let a = Account(id: AccountID(6), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")])
        let plan = try AllOrNothingPolicy().nextTranche(account: a, scope: .cross, context: Fixtures.context(btc: "19100"), adjustments: .none)!
        #expect(plan.size == sz("1"))
        #expect(plan.limitPrice == px("19000"))
        #expect(plan.reason == .allOrNothing)
    }

    /// Short 1 at 20 000, collateral 500, mark 20 300: equity 200 < maintenance 203. It is
    /// reduced by buying; the band gives 20 300 × 1.01 = 20 503, clamped to the bankruptcy
    /// price 20 500 (never buy above it while solvent).
    @Test func shortIsReducedByBuyingUnderABand() throws {
        let a = Account(id: AccountID(7), collateral: q("500"), positions: [Fixtures.short("1", at: "20000")])
        let plan = try policy.nextTranche(account: a, scope: .cross, context: Fixtures.context(btc: "20300"), adjustments: .none)!
        #expect(plan.orderSide == .long)
        #expect(plan.limitPrice == px("20500"))
    }
}

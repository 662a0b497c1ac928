import Testing
@testable import TrancheCore

@Suite struct LedgerTests {
    /// Deposit 1000 to trader 1, seed the fund with 500, trader 1 loses 1150 closing at
    /// 18 850 (venue receives it), the fund covers the deficit of 150:
    ///   trader 1000 − 1150 + 150 = 0; venue +1150; fund 500 − 150 = 350;
    ///   internal Σ = 0 + 1150 + 350 = 1500 = deposits (1000 + 500) − withdrawals 0.
    @Test func bankruptcyFlowIsConserved() throws {
        var ledger = Ledger()
        let t1 = LedgerAccount.trader(AccountID(1))
        try ledger.post(LedgerTransfer(from: .external, to: t1, amount: q("1000"), reason: .deposit), at: .zero)
        try ledger.post(LedgerTransfer(from: .external, to: .insuranceFund, amount: q("500"), reason: .fundSeed), at: .zero)
        try ledger.post(LedgerTransfer(from: t1, to: .venue("BTC-PERP"), amount: q("1150"), reason: .realisedPnl), at: .zero)
        let (covered, uncovered) = try InsuranceFundPolicy(floor: .zero).cover(deficit: q("150"), of: AccountID(1), in: &ledger, at: .zero)
        #expect(covered == q("150") && uncovered == .zero)
        #expect(ledger.balance(t1) == .zero)
        #expect(ledger.balance(.insuranceFund) == q("350"))
        #expect(ledger.balance(.venue("BTC-PERP")) == q("1150"))
        #expect(try ledger.internalTotal() == q("1500"))
        #expect(ledger.isConserved)
        #expect(ledger.entryCount == 4)
    }

    /// Fund 500 with a floor of 400: it pays 100 of a 150 deficit; 50 is left for ADL.
    @Test func fundStopsAtItsFloor() throws {
        var ledger = Ledger()
        try ledger.post(LedgerTransfer(from: .external, to: .insuranceFund, amount: q("500"), reason: .fundSeed), at: .zero)
        let (covered, uncovered) = try InsuranceFundPolicy(floor: q("400")).cover(deficit: q("150"), of: AccountID(1), in: &ledger, at: .zero)
        #expect(covered == q("100") && uncovered == q("50"))
        #expect(ledger.balance(.insuranceFund) == q("400"))
        #expect(ledger.isConserved)
    }

    @Test func badTransfersAreRejected() {
        var ledger = Ledger()
        #expect(throws: LedgerError.nonPositiveAmount(.zero)) { try ledger.post(LedgerTransfer(from: .external, to: .fees, amount: .zero, reason: .deposit), at: .zero) }
        #expect(throws: LedgerError.sameAccount(.fees)) { try ledger.post(LedgerTransfer(from: .fees, to: .fees, amount: q("1"), reason: .deposit), at: .zero) }
        #expect(ledger.entryCount == 0)
    }

    @Test func retainsOnlyRecentEntries() throws {
        var ledger = Ledger(retainedEntries: 3)
        for i in 1...5 { try ledger.post(LedgerTransfer(from: .external, to: .fees, amount: Quote(e6: Int64(i)), reason: .deposit), at: .zero) }
        #expect(ledger.recentEntries.map(\.sequence) == [3, 4, 5])
        #expect(ledger.totalDeposits == Quote(e6: 15))
    }
}

@Suite struct AutoDeleveragingTests {
    /// Bankrupt long in BTC; three shorts profitable at mark 18 000:
    ///   A: short 1 at 20 000, equity 3000: PnL% = 2000/20 000 = 10 %, leverage 18 000/3000 = 6 → 0.6
    ///   B: short 2 at 19 000, equity 2000: PnL% = 2000/38 000 = 5.263 %, leverage 36 000/2000 = 18 → 0.947
    ///   C: short 1 at 19 000, equity 1000 (same PnL% as B, leverage 18) → 0.947, smaller notional
    ///   D: long 1 (same side as the bankrupt): never a candidate.
    /// Order: B (ties with C, larger notional), C, A.
    @Test func ranksByPnlTimesLeverage() throws {
        let ctx = Fixtures.context(btc: "18000")
        let accounts = [
            Account(id: AccountID(10), collateral: q("1000"), positions: [Fixtures.short("1", at: "20000")]),
            Account(id: AccountID(11), collateral: q("0"), positions: [Fixtures.short("2", at: "19000")]),
            Account(id: AccountID(12), collateral: q("0"), positions: [Fixtures.short("1", at: "19000")]),
            Account(id: AccountID(13), collateral: q("5000"), positions: [Fixtures.long("1", at: "15000")]),
        ]
        let candidates = try accounts.compactMap { try AutoDeleveraging.candidate($0, market: "BTC-PERP", context: ctx) }
        #expect(candidates[0].scorePpm == 600_000)
        #expect(candidates[1].scorePpm == 947_368)
        let ranked = AutoDeleveraging.rank(candidates, bankruptSide: .long, market: "BTC-PERP")
        #expect(ranked.map(\.account) == [AccountID(11), AccountID(12), AccountID(10)])
        // 2.5 BTC to deleverage at bankruptcy price 18 500: B takes 2, C 0.5.
        let (matches, unmatched) = AutoDeleveraging.allocate(size: sz("2.5"), bankruptcyPrice: px("18500"), ranked: ranked)
        #expect(matches == [
            ADLMatch(account: AccountID(11), market: "BTC-PERP", size: sz("2"), price: px("18500")),
            ADLMatch(account: AccountID(12), market: "BTC-PERP", size: sz("0.5"), price: px("18500")),
        ])
        #expect(unmatched == .zero)
        #expect(AutoDeleveraging.allocate(size: sz("10"), bankruptcyPrice: px("18500"), ranked: ranked).unmatched == sz("6"))
    }

    /// ADL closes both sides at the bankruptcy price: the bankrupt ends at exactly zero.
    /// Long 1 at 20 000, collateral 1000 → bankruptcy 19 000. Mark 18 800 (equity −200).
    /// Counterparty short 1 at 20 000 closes at 19 000: realises +1000 (instead of +1200 at mark).
    @Test func adlAtBankruptcyPriceLeavesNoDeficit() throws {
        let ctx = Fixtures.context(btc: "18800")
        var bankrupt = Account(id: AccountID(1), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")])
        var winner = Account(id: AccountID(2), collateral: q("1000"), positions: [Fixtures.short("1", at: "20000")])
        let bk = try MarginCalculator.metrics(bankrupt, ctx).positions[0].bankruptcyPrice!
        #expect(bk == px("19000"))
        var ledger = Ledger()
        for a in [bankrupt, winner] { try ledger.post(LedgerTransfer(from: .external, to: .trader(a.id), amount: a.collateral, reason: .deposit), at: .zero) }
        let s1 = try bankrupt.applyFill(market: "BTC-PERP", size: sz("1"), price: bk, pnlReason: .autoDeleverage, context: ctx)
        let s2 = try winner.applyFill(market: "BTC-PERP", size: sz("1"), price: bk, pnlReason: .autoDeleverage, context: ctx)
        try ledger.post(s1.transfers + s2.transfers, at: .zero)
        #expect(bankrupt.collateral == .zero && bankrupt.unsettledDeficit == .zero)
        #expect(winner.collateral == q("2000"))
        #expect(ledger.isConserved)
        #expect(try ledger.balance(.trader(AccountID(2))) == winner.heldBalance())
    }
}

@Suite struct BackstopTests {
    /// Takeover of long 1 at 20 000 (collateral 1000) at model price 19 200: the trader
    /// realises −800 and pays the fee 19 200 × 0.2 % = 38.4 → collateral 161.6; the
    /// backstop holds long 1 at 19 200. It unwinds 0.25 at 19 600: +100, swept into the fund.
    @Test func takeoverAndUnwind() throws {
        let ctx = Fixtures.context(btc: "19200")
        var trader = Account(id: AccountID(1), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")])
        var backstop = Account(id: Backstop.accountID)
        let result = try Backstop.takeOver(&trader, market: "BTC-PERP", modelPrice: px("19200"), backstop: &backstop, context: ctx)
        #expect(result.settlement.realisedPnl == q("-800"))
        #expect(result.settlement.liquidationFee == q("38.4"))
        #expect(trader.collateral == q("161.6") && trader.positions.isEmpty)
        #expect(backstop.position(in: "BTC-PERP") == Fixtures.long("1", at: "19200"))
        let plan = try Backstop.nextUnwind(backstop, market: "BTC-PERP", context: ctx)!
        #expect(plan.size == sz("0.25") && plan.orderSide == .short)
        let transfers = try Backstop.applyUnwindFill(&backstop, market: "BTC-PERP", size: sz("0.25"), price: px("19600"))
        #expect(transfers == [
            LedgerTransfer(from: .venue("BTC-PERP"), to: .trader(Backstop.accountID), amount: q("100"), reason: .backstopUnwind, account: Backstop.accountID),
            LedgerTransfer(from: .trader(Backstop.accountID), to: .insuranceFund, amount: q("100"), reason: .backstopUnwind, account: Backstop.accountID),
        ])
        #expect(backstop.collateral == .zero)
        #expect(backstop.position(in: "BTC-PERP")?.size == sz("0.75"))
    }
}

import Testing
@testable import TrancheCore

@Suite struct InitialMarginTests {
    /// Collateral 1000, mark 20 000. Opening long 3 BTC at 20 000 needs 60 000 × 4 %
    /// (bracket 1) = 2400 > equity 1000: rejected with required 2400, available 1000.
    /// 1 BTC needs 20 000 × 2 % = 400: accepted.
    @Test func crossSubmissionChecksInitialMargin() throws {
        let ctx = Fixtures.context(btc: "20000")
        var a = Account(id: AccountID(1), collateral: q("1000"))
        #expect(throws: TradingRejection.insufficientMargin(required: q("2400"), available: q("1000"))) {
            try a.submit(market: "BTC-PERP", side: .long, size: sz("3"), entryPrice: px("20000"), mode: .cross, context: ctx)
        }
        #expect(a.positions.isEmpty)  // a rejected command changes nothing
        _ = try a.submit(market: "BTC-PERP", side: .long, size: sz("1"), entryPrice: px("20000"), mode: .cross, context: ctx)
        #expect(a.position(in: "BTC-PERP")?.size == sz("1"))
        // Increase by 1 at 22 000: entry (20 000 + 22 000)/2 = 21 000; needs 40 000 × 2 % = 800,
        // equity 1000 + 2 × (20 000 − 21 000) = −1000: rejected.
        #expect(throws: TradingRejection.self) {
            try a.submit(market: "BTC-PERP", side: .long, size: sz("1"), entryPrice: px("22000"), mode: .cross, context: ctx)
        }
        // Increase by 0.5 at 20 000: notional 30 000 → 600 required, equity 1000: ok.
        _ = try a.submit(market: "BTC-PERP", side: .long, size: sz("0.5"), entryPrice: px("20000"), mode: .cross, context: ctx)
        #expect(a.position(in: "BTC-PERP")?.size == sz("1.5"))
        #expect(throws: TradingRejection.oppositeSide(market: "BTC-PERP")) {
            try a.submit(market: "BTC-PERP", side: .short, size: sz("0.5"), entryPrice: px("20000"), mode: .cross, context: ctx)
        }
        #expect(throws: TradingRejection.marginModeMismatch(market: "BTC-PERP", existing: .cross)) {
            try a.submit(market: "BTC-PERP", side: .long, size: sz("0.5"), entryPrice: px("20000"), mode: .isolated, context: ctx)
        }
        #expect(throws: TradingRejection.self) {
            try a.submit(market: "BTC-PERP", side: .long, size: sz("0.0005"), entryPrice: px("20000"), mode: .cross, context: ctx)  // off the step grid
        }
    }

    /// Isolated: collateral 1000, long 1 BTC at 20 000 takes the initial requirement 400 by
    /// default out of collateral (→ 600). A margin of 300 is below the requirement: rejected
    /// with required 400, available 300. A margin of 2000 exceeds free collateral 1000.
    @Test func isolatedSubmissionMovesMargin() throws {
        let ctx = Fixtures.context(btc: "20000")
        var a = Account(id: AccountID(2), collateral: q("1000"))
        #expect(throws: TradingRejection.insufficientMargin(required: q("400"), available: q("300"))) {
            try a.submit(market: "BTC-PERP", side: .long, size: sz("1"), entryPrice: px("20000"), mode: .isolated, isolatedMargin: q("300"), context: ctx)
        }
        #expect(throws: TradingRejection.insufficientCollateral(required: q("2000"), available: q("1000"))) {
            try a.submit(market: "BTC-PERP", side: .long, size: sz("1"), entryPrice: px("20000"), mode: .isolated, isolatedMargin: q("2000"), context: ctx)
        }
        _ = try a.submit(market: "BTC-PERP", side: .long, size: sz("1"), entryPrice: px("20000"), mode: .isolated, context: ctx)
        #expect(a.collateral == q("600"))
        #expect(a.position(in: "BTC-PERP")?.isolatedMargin == q("400"))
        #expect(try a.heldBalance() == q("1000"))
    }

    /// Collateral 1000, long 1 BTC at 20 000, mark 19 800: uPnL −200, initial 396.
    /// Withdrawable = 1000 − 200 − 396 = 404. At mark 21 000 the profit does not count:
    /// withdrawable = 1000 − 420 = 580.
    @Test func withdrawalExcludesUnrealisedProfit() throws {
        var a = Account(id: AccountID(3), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")])
        #expect(throws: TradingRejection.insufficientCollateral(required: q("405"), available: q("404"))) {
            try a.withdraw(q("405"), context: Fixtures.context(btc: "19800"))
        }
        #expect(try MarginCalculator.metrics(a, Fixtures.context(btc: "21000")).withdrawable == q("580"))
        let t = try a.withdraw(q("404"), context: Fixtures.context(btc: "19800"))
        #expect(a.collateral == q("596"))
        #expect(t == [LedgerTransfer(from: .trader(AccountID(3)), to: .external, amount: q("404"), reason: .withdrawal, account: AccountID(3))])
        #expect(throws: TradingRejection.self) { try a.deposit(.zero) }
    }

    @Test func takerFeeIsChargedAndChecked() throws {
        var spec = Fixtures.btc()
        spec.takerFeeRate = rate("0.0005")
        let ctx = Fixtures.context(btc: "20000", btcSpec: spec)
        var a = Account(id: AccountID(4), collateral: q("1000"))
        // Fee 20 000 × 0.05 % = 10 → collateral 990, initial 400.
        let t = try a.submit(market: "BTC-PERP", side: .long, size: sz("1"), entryPrice: px("20000"), mode: .cross, context: ctx)
        #expect(a.collateral == q("990"))
        #expect(t == [LedgerTransfer(from: .trader(AccountID(4)), to: .fees, amount: q("10"), reason: .tradingFee, account: AccountID(4))])
    }
}

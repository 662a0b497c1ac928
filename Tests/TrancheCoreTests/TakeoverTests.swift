import Testing
@testable import TrancheCore

/// A takeover closes the trader's part at the mark. A whole position leaves its remaining
/// margin to the fund (the clearance fee); a part of it leaves the rest restored, at its
/// target (maintenance + buffer), the fee taking only the margin the rest does not need and
/// at least the liquidation fee a fill would pay.
@Suite struct TakeoverTests {
    /// Account 7: cross long 0.9 BTC-PERP from 20,000 with 1,000 collateral, marked at
    /// 19,000: equity 100, maintenance 171 (1 %), so 0.58 of maintenance, below the
    /// takeover threshold (2/3).
    static func fallen() -> (Worker, AccountRecord) {
        var w = ReliableDeliveryTests.workerHoldingALong()
        w.context.setMark(px("19000"), for: "BTC-PERP")
        return (w, w.accounts[AccountID(7)]!)
    }

    static func notice(_ ds: [RoleDirective]) -> Message.TakeoverNotice? {
        for e in ReliableDeliveryTests.sends(ds, to: .aggregator) { if case .takeoverNotice(let n) = e.body { return n } }
        return nil
    }

    @Test func aPartLeavesTheRestRestoredAtItsTarget() throws {
        var (w, rec) = Self.fallen()
        let before = try MarginCalculator.scopeMetrics(rec.account, .cross, w.context)
        #expect(before.equity == q("100"))
        #expect(before.isBelow(hardFloor: rate("0.666667")))
        let ds = w.takeover(&rec, scope: .cross, market: "BTC-PERP", size: sz("0.7"), now: ReliableDeliveryTests.t0)
        // The rest, 0.2 at 19,000 = 3,800: target 38 + 19 = 57. Spare margin 100 − 57 = 43,
        // more than the liquidation fee (0.7 × 19,000 × 0.2 % = 26.6), less than the
        // maintenance share (133): the fee is 43.
        #expect(Self.notice(ds)?.clearanceFee == q("43"))
        let after = try MarginCalculator.scopeMetrics(rec.account, .cross, w.context)
        #expect(rec.account.position(in: "BTC-PERP")?.size == sz("0.2"))
        #expect(after.equity == q("57"))
        #expect(!after.isLiquidatable)
    }

    @Test func aPartNeverPaysLessThanAFillsLiquidationFee() throws {
        var (w, rec) = Self.fallen()
        // The rest, 0.3 at 19,000 = 5,700: target 85.5, spare 14.5; the fee is the
        // liquidation fee of 0.6 × 19,000 × 0.2 % = 22.8 (the rest stays above maintenance,
        // 57, below its target).
        let ds = w.takeover(&rec, scope: .cross, market: "BTC-PERP", size: sz("0.6"), now: ReliableDeliveryTests.t0)
        #expect(Self.notice(ds)?.clearanceFee == q("22.8"))
        let after = try MarginCalculator.scopeMetrics(rec.account, .cross, w.context)
        #expect(after.equity == q("77.2"))
        #expect(!after.isLiquidatable)
    }

    @Test func theWholePositionLeavesItsRemainingMarginToTheFund() throws {
        var (w, rec) = Self.fallen()
        let ds = w.takeover(&rec, scope: .cross, market: "BTC-PERP", size: nil, now: ReliableDeliveryTests.t0)
        // Maintenance share 171, capped at the equity: all of the 100 left.
        #expect(Self.notice(ds)?.clearanceFee == q("100"))
        #expect(rec.account.position(in: "BTC-PERP") == nil)
        #expect(rec.account.collateral == .zero)
    }
}

import Foundation
import Testing
@testable import TrancheCore

@Suite struct MarginTests {
    @Test func bracketsAreContinuous() throws {
        let m = Fixtures.btc()
        // Derived amounts: 0, 50 000 × 1 % = 500, 500 + 250 000 × 3 % = 8000.
        #expect(m.brackets.map(\.maintenanceAmount) == [q("0"), q("500"), q("8000")])
        try m.validate()
        // At 50 000 both brackets give 500: 50 000 × 1 % = 500 = 50 000 × 2 % − 500.
        #expect(try m.maintenance(notional: q("49999.999999")) == q("500"))  // 499.99999999 rounds up
        #expect(try m.maintenance(notional: q("50000")) == q("500"))
        #expect(try m.maintenance(notional: q("250000")) == q("4500"))      // 250 000 × 5 % − 8000
        #expect(try m.maintenance(notional: q("380000")) == q("11000"))     // 380 000 × 5 % − 8000
        #expect(try m.initialRequirement(notional: q("19500")) == q("390"))
    }

    @Test func validationNamesTheField() {
        var m = Fixtures.btc()
        m.brackets[1].maintenanceAmount = q("400")
        #expect(throws: ConfigurationError.self) { try m.validate() }
        do { try m.validate() } catch {
            #expect(error.field == "market.brackets[1].maintenanceAmount")
            #expect(error.reason.contains("should be 500"))
        }
        // Rates going down: the rate is named, not the negative amount derived from it.
        let json = #"{"id": "X", "tickSize": "0.1", "stepSize": "0.001", "brackets": [{"notionalFloor": "0", "initialMarginRate": "0.04", "maintenanceMarginRate": "0.02"}, {"notionalFloor": "50000", "initialMarginRate": "0.04", "maintenanceMarginRate": "0.01"}]}"#
        let down = try? JSONDecoder().decode(MarketSpec.self, from: Data(json.utf8))
        do { try down?.validate(); Issue.record("expected an error") } catch {
            #expect(error.field == "market.brackets[1].maintenanceMarginRate")
            #expect(error.reason.contains("below the previous bracket"))
        }
        var f = Fixtures.btc()
        f.liquidation.liquidationFeeRate = rate("0.02")  // ≥ 1 % + 0.5 %: a tranche would lower the ratio
        do { try f.validate(); Issue.record("expected an error") } catch {
            #expect(error.field == "market.liquidation.liquidationFeeRate")
        }
    }

    /// Long 1 BTC at 20 000, collateral 1000, mark 19 500 (cross):
    ///   uPnL = 1 × (19 500 − 20 000) = −500; equity = 500
    ///   notional 19 500, bracket 0: maintenance 195, initial 390
    ///   margin ratio = 500 / 195 = 2.564102 (ppm, down)
    ///   liquidation price: 1000 + (p − 20 000) = 0.01 p → p = 19 000 / 0.99 = 19 191.91919191…
    ///     → up at 10^-8: 19 191.91919192
    ///   bankruptcy price: 1000 + (p − 20 000) = 0 → 19 000
    ///   free collateral = 500 − 390 = 110; withdrawable = 1000 − 500 − 390 = 110
    @Test func singleCrossLong() throws {
        let a = Account(id: AccountID(1), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")])
        let m = try MarginCalculator.metrics(a, Fixtures.context(btc: "19500"))
        #expect(m.cross.equity == q("500"))
        #expect(m.cross.maintenance == q("195"))
        #expect(m.cross.initialRequirement == q("390"))
        #expect(m.cross.marginRatio == Rate(ppm: 2_564_102))
        #expect(!m.cross.isLiquidatable)
        #expect(m.positions[0].unrealisedPnl == q("-500"))
        #expect(m.positions[0].liquidationPrice == px("19191.91919192"))
        #expect(m.positions[0].bankruptcyPrice == px("19000"))
        #expect(m.freeCollateral == q("110"))
        #expect(m.withdrawable == q("110"))
    }

    /// Short 2 BTC at 20 000, collateral 1000, mark 20 100:
    ///   uPnL = −2 × 100 = −200; equity 800; notional 40 200; maintenance 402
    ///   liquidation: 1000 − 2(p − 20 000) = 0.02 p → 41 000 = 2.02 p → p = 20 297.02970297… → down: 20 297.02970297
    ///   bankruptcy: 1000 − 2(p − 20 000) = 0 → p = 20 500
    @Test func singleCrossShort() throws {
        let a = Account(id: AccountID(2), collateral: q("1000"), positions: [Fixtures.short("2", at: "20000")])
        let m = try MarginCalculator.metrics(a, Fixtures.context(btc: "20100"))
        #expect(m.cross.equity == q("800"))
        #expect(m.cross.maintenance == q("402"))
        #expect(m.positions[0].liquidationPrice == px("20297.02970297"))
        #expect(m.positions[0].bankruptcyPrice == px("20500"))
    }

    /// Liquidation price across a bracket boundary. Long 20 BTC at 20 000, collateral
    /// 30 000. In bracket 2 (≥ 250 000): 30 000 + 20(p − 20 000) = 20p × 5 % − 8000
    ///   → 19p = 362 000 → p = 19 052.63157895 (notional 381 052 ∈ bracket 2 ✓).
    /// With collateral 60 000, bracket 2 gives 19p = 332 000 → p = 17 473.68 (notional
    /// 349 473 ∈ bracket 2 ✓) as well; with collateral 300 000 the root moves to bracket 1:
    ///   300 000 + 20(p − 20 000) = 20p × 2 % − 500 → 19.6 p = 99 500 → p = 5076.53061225
    ///   (notional 101 530 ∈ [50 000, 250 000) ✓).
    @Test func liquidationPriceFindsTheRightBracket() throws {
        let ctx = Fixtures.context(btc: "20000")
        let a = Account(id: AccountID(3), collateral: q("30000"), positions: [Fixtures.long("20", at: "20000")])
        #expect(try MarginCalculator.metrics(a, ctx).positions[0].liquidationPrice == px("19052.63157895"))
        let b = Account(id: AccountID(3), collateral: q("300000"), positions: [Fixtures.long("20", at: "20000")])
        #expect(try MarginCalculator.metrics(b, ctx).positions[0].liquidationPrice == px("5076.53061225"))
        // Fully collateralised long: no positive liquidation or bankruptcy price.
        let c = Account(id: AccountID(3), collateral: q("500000"), positions: [Fixtures.long("20", at: "20000")])
        #expect(try MarginCalculator.metrics(c, ctx).positions[0].liquidationPrice == nil)
        #expect(try MarginCalculator.metrics(c, ctx).positions[0].bankruptcyPrice == nil)
    }

    /// Cross with two positions: long 1 BTC at 20 000 and short 10 ETH at 1000, collateral
    /// 2000, marks BTC 20 000 and ETH 1100.
    ///   ETH uPnL −1000, maintenance 11 000 × 2.5 % = 275; BTC maintenance 200.
    ///   equity = 2000 − 1000 = 1000; maintenance 475.
    ///   BTC liquidation price (ETH held at its mark): capital = 2000 − 1000 = 1000,
    ///     other maintenance 275: 1000 + (p − 20 000) = 275 + 0.01 p → p = 19 275/0.99 = 19 469.69696970
    ///   ETH liquidation price (BTC held): capital = 2000 + 0 = 2000, other maintenance 200:
    ///     2000 − 10(p − 1000) = 200 + 0.25 p → 11 800 = 10.25 p → p = 1151.21951219
    /// Isolated positions do not enter the cross scope.
    @Test func crossLiquidationPriceHoldsOthersAtMark() throws {
        let a = Account(id: AccountID(4), collateral: q("2000"), positions: [
            Fixtures.long("1", at: "20000"), Fixtures.short("10", at: "1000", market: "ETH-PERP"),
        ])
        let m = try MarginCalculator.metrics(a, Fixtures.context(btc: "20000", eth: "1100"))
        #expect(m.cross.equity == q("1000"))
        #expect(m.cross.maintenance == q("475"))
        let btc = m.positions.first { $0.position.market == "BTC-PERP" }!
        let eth = m.positions.first { $0.position.market == "ETH-PERP" }!
        #expect(btc.liquidationPrice == px("19469.6969697"))
        #expect(eth.liquidationPrice == px("1151.21951219"))
    }

    /// Isolated long 1 BTC at 20 000 with margin 400, cross collateral 10 000 untouched:
    ///   liquidation: 400 + (p − 20 000) = 0.01 p → p = 19 600 / 0.99 = 19 797.97979798
    ///   bankruptcy: 400 + (p − 20 000) = 0 → 19 600
    @Test func isolatedUsesItsOwnMargin() throws {
        let a = Account(id: AccountID(5), collateral: q("10000"), positions: [Fixtures.long("1", at: "20000", mode: .isolated, margin: "400")])
        let m = try MarginCalculator.metrics(a, Fixtures.context(btc: "19700"))
        #expect(m.positions[0].liquidationPrice == px("19797.97979798"))
        #expect(m.positions[0].bankruptcyPrice == px("19600"))
        let iso = m.scope(.isolated("BTC-PERP"))!
        #expect(iso.equity == q("100"))           // 400 − 300
        #expect(iso.isLiquidatable)               // maintenance 197
        #expect(!m.cross.isLiquidatable)
        #expect(m.cross.equity == q("10000"))
        #expect(m.totalEquity == q("10100"))
    }

    @Test func missingMarkOrMarketIsATypedError() {
        let a = Account(id: AccountID(6), collateral: q("10"), positions: [Fixtures.long("1", at: "10", market: "SOL-PERP")])
        #expect(throws: MarginError.unknownMarket("SOL-PERP")) { try MarginCalculator.metrics(a, Fixtures.context(btc: "1")) }
    }
}

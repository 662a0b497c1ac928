@testable import TrancheCore

// Decimal literals for readable tests: q("1000.5") is 1000.5 quote, etc.
func q(_ s: String) -> Quote { Quote(e6: try! FixedDecimal.parse(s, decimals: Precision.quoteDecimals)) }
func px(_ s: String) -> Price { Price(e8: try! FixedDecimal.parse(s, decimals: Precision.priceDecimals)) }
func sz(_ s: String) -> Size { Size(e8: try! FixedDecimal.parse(s, decimals: Precision.sizeDecimals)) }
func rate(_ s: String) -> Rate { Rate(ppm: try! FixedDecimal.parse(s, decimals: Precision.rateDecimals)) }

enum Fixtures {
    /// BTC-PERP: tick 0.1, step 0.001, three brackets:
    ///   [0, 50 000)        IMR 2 %, MMR 1 %, amount 0
    ///   [50 000, 250 000)  IMR 4 %, MMR 2 %, amount 500   (= 50 000 × 1 %)
    ///   [250 000, ∞)       IMR 10 %, MMR 5 %, amount 8000 (= 500 + 250 000 × 3 %)
    /// Liquidation: buffer 0.5 %, fee 0.2 %, max step 25 %, min tranche 100, band 1 %,
    /// step 2 s, grace 10 s, hard floor 0.5, 3 unfilled attempts.
    static func btc(maxStep: String = "0.25", minTranche: String = "100") -> MarketSpec {
        var l = LiquidationParameters()
        l.bufferRate = rate("0.005")
        l.liquidationFeeRate = rate("0.002")
        l.maxStepFraction = rate(maxStep)
        l.minTrancheNotional = q(minTranche)
        l.priceBand = rate("0.01")
        l.stepInterval = .seconds(2)
        l.graceWindow = .seconds(10)
        l.hardFloorMarginRatio = rate("0.5")
        l.maxUnfilledAttempts = 3
        return try! MarketSpec(id: "BTC-PERP", tickSize: px("0.1"), stepSize: sz("0.001"), brackets: [
            MarginBracket(notionalFloor: .zero, initialMarginRate: rate("0.02"), maintenanceMarginRate: rate("0.01")),
            MarginBracket(notionalFloor: q("50000"), initialMarginRate: rate("0.04"), maintenanceMarginRate: rate("0.02")),
            MarginBracket(notionalFloor: q("250000"), initialMarginRate: rate("0.1"), maintenanceMarginRate: rate("0.05")),
        ], liquidation: l).withContinuousAmounts()
    }

    /// ETH-PERP: tick 0.01, step 0.01, one bracket IMR 5 %, MMR 2.5 %, same liquidation
    /// parameters as BTC.
    static func eth() -> MarketSpec {
        var m = btc()
        m.id = "ETH-PERP"
        m.tickSize = px("0.01")
        m.stepSize = sz("0.01")
        m.brackets = [MarginBracket(notionalFloor: .zero, initialMarginRate: rate("0.05"), maintenanceMarginRate: rate("0.025"))]
        return m
    }

    static func context(btc mark: String, eth ethMark: String = "1000", btcSpec: MarketSpec = btc()) -> MarginContext {
        MarginContext(markets: [btcSpec, eth()], marks: ["BTC-PERP": px(mark), "ETH-PERP": px(ethMark)])
    }

    static func long(_ size: String, at entry: String, market: MarketID = "BTC-PERP", mode: MarginMode = .cross, margin: String = "0") -> Position {
        Position(market: market, size: sz(size), entryPrice: px(entry), mode: mode, isolatedMargin: q(margin))
    }

    static func short(_ size: String, at entry: String, market: MarketID = "BTC-PERP", mode: MarginMode = .cross, margin: String = "0") -> Position {
        Position(market: market, size: Size(e8: -sz(size).e8), entryPrice: px(entry), mode: mode, isolatedMargin: q(margin))
    }
}

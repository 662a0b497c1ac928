import Testing
@testable import TrancheCore

/// The screening a worker runs before the liquidation state machine (equity against
/// maintenance only) says what the full metrics say, for every scope of many accounts:
/// cross and isolated, long and short, several brackets, marks on both sides of entry.
@Suite struct ScreeningTests {
    @Test func theScreeningAgreesWithTheFullMetrics() throws {
        var eth = Fixtures.btc()
        eth.id = "ETH-PERP"
        let ctx = MarginContext(markets: [Fixtures.btc(), eth], marks: ["BTC-PERP": px("19000"), "ETH-PERP": px("18000")])
        var rng = SystemRandomNumberGenerator()
        var agreed = 0, liquidatable = 0
        for i in 1...5_000 {
            var positions: [Position] = []
            for (market, entry) in [(MarketID("BTC-PERP"), 20_000), (MarketID("ETH-PERP"), 17_500)] where Bool.random(using: &rng) || positions.isEmpty {
                let size = Int64.random(in: 1...3_000_000_000, using: &rng) * (Bool.random(using: &rng) ? 1 : -1)
                let isolated = Int.random(in: 0..<4, using: &rng) == 0
                positions.append(Position(market: market, size: Size(e8: size), entryPrice: px(String(entry + Int.random(in: -2_000...2_000, using: &rng))),
                                          mode: isolated ? .isolated : .cross, isolatedMargin: isolated ? Quote(e6: Int64.random(in: 0...50_000_000_000, using: &rng)) : .zero))
            }
            let account = Account(id: AccountID(UInt64(i)), collateral: Quote(e6: Int64.random(in: -1_000_000_000...200_000_000_000, using: &rng)), positions: positions)
            for scope in Set(account.scopes) {
                let full = try MarginCalculator.scopeMetrics(account, scope, ctx).isLiquidatable
                #expect(try MarginCalculator.isLiquidatable(account, scope, ctx) == full, "\(account) \(scope)")
                agreed += 1
                if full { liquidatable += 1 }
            }
        }
        #expect(agreed > 5_000 && liquidatable > 200 && liquidatable < agreed - 200, "\(liquidatable) of \(agreed)")
    }
}

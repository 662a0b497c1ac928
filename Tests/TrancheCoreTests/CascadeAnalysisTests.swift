import PropertyBased
import Testing
@testable import TrancheCore

@Suite struct CascadeAnalysisTests {
    static let markets = [Fixtures.btc(), Fixtures.eth()]

    /// Paths from decimal strings; ETH is held at 1000 unless given.
    static func paths(btc: [String], eth: [String]? = nil) -> [MarketID: [Price]] {
        ["BTC-PERP": btc.map(px), "ETH-PERP": (eth ?? btc.map { _ in "1000" }).map(px)]
    }

    static func liquidatable(_ accounts: [Account], _ paths: [MarketID: [Price]]) throws -> Set<AccountID> {
        try CascadeAnalysis.liquidatableOnExogenousPath(accounts: accounts, markets: markets, paths: paths)
    }

    /// Long 1 BTC at 20 000, 1000 collateral, cross, MMR 1 %:
    ///   1000 + (p − 20 000) = 0.01 p  ⇒  p = 19 000 / 0.99 = 19 191.91919191…, rounded up
    ///   (the early side for a long) to 19 191.91919192.
    /// At 19 191.9: equity 191.9 < maintenance 191.919 ⇒ liquidatable.
    /// At 19 192:   equity 192 ≥ maintenance 191.92 ⇒ not.
    @Test func longAgainstItsLiquidationPrice() throws {
        let a = Account(id: AccountID(1), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")])
        let m = try MarginCalculator.metrics(a, Fixtures.context(btc: "20000"))
        #expect(m.positions[0].liquidationPrice == px("19191.91919192"))
        #expect(CascadeAnalysis.method(for: a, .cross) == .singlePosition)
        #expect(try Self.liquidatable([a], Self.paths(btc: ["20000", "19500", "19191.9", "19800"])) == [AccountID(1)])
        #expect(try Self.liquidatable([a], Self.paths(btc: ["20000", "19500", "19192", "19800"])).isEmpty)
        // Only the minimum matters, wherever it sits on the path.
        #expect(try Self.liquidatable([a], Self.paths(btc: ["19191.9", "25000"])) == [AccountID(1)])
    }

    /// Short 1 BTC at 20 000, 1000 collateral: 1000 + (20 000 − p) = 0.01 p
    ///   ⇒ p = 21 000 / 1.01 = 20 792.07920792…, rounded down (early side for a short).
    /// At 20 792.1: equity 207.9 < 207.921 ⇒ liquidatable; at 20 792: 208 ≥ 207.92 ⇒ not.
    @Test func shortAgainstItsLiquidationPrice() throws {
        let a = Account(id: AccountID(2), collateral: q("1000"), positions: [Fixtures.short("1", at: "20000")])
        let m = try MarginCalculator.metrics(a, Fixtures.context(btc: "20000"))
        #expect(m.positions[0].liquidationPrice == px("20792.07920792"))
        #expect(try Self.liquidatable([a], Self.paths(btc: ["20000", "20792.1", "19000"])) == [AccountID(2)])
        #expect(try Self.liquidatable([a], Self.paths(btc: ["20000", "20792", "15000"])).isEmpty)
    }

    /// The same long with 500 isolated margin and 1000 of cross collateral beside it:
    ///   500 + (p − 20 000) = 0.01 p ⇒ p = 19 500 / 0.99 = 19 696.96969697 (rounded up).
    /// The cross collateral does not help it, so 19 690 liquidates the isolated scope. The
    /// same position in cross with all 1500 is liquidated only at
    ///   18 500 / 0.99 = 18 686.87 ⇒ 19 690 leaves it healthy.
    @Test func isolatedMarginStandsAlone() throws {
        let isolated = Account(id: AccountID(3), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000", mode: .isolated, margin: "500")])
        let cross = Account(id: AccountID(4), collateral: q("1500"), positions: [Fixtures.long("1", at: "20000")])
        let m = try MarginCalculator.metrics(isolated, Fixtures.context(btc: "20000"))
        #expect(m.positions[0].liquidationPrice == px("19696.96969697"))
        #expect(CascadeAnalysis.method(for: isolated, .isolated("BTC-PERP")) == .singlePosition)
        let path = Self.paths(btc: ["20000", "19690", "20000"])
        #expect(try Self.liquidatable([isolated, cross], path) == [AccountID(3)])
        #expect(try Self.liquidatable([isolated, cross], Self.paths(btc: ["20000", "19700"])).isEmpty)
    }

    /// An account with one cross BTC position and one isolated ETH position: each scope
    /// is a lone position; the ETH one (10 ETH at 1000, 300 margin, MMR 2.5 %:
    /// 300 + 10(p − 1000) = 0.25 p ⇒ p = 9700 / 9.75 = 994.87179488) falls first.
    @Test func everyScopeCounts() throws {
        let a = Account(id: AccountID(5), collateral: q("5000"), positions: [
            Fixtures.long("1", at: "20000"),
            Fixtures.long("10", at: "1000", market: "ETH-PERP", mode: .isolated, margin: "300"),
        ])
        #expect(CascadeAnalysis.method(for: a, .cross) == .singlePosition)
        #expect(CascadeAnalysis.method(for: a, .isolated("ETH-PERP")) == .singlePosition)
        #expect(try Self.liquidatable([a], Self.paths(btc: ["20000", "20000"], eth: ["1000", "994.8"])) == [AccountID(5)])
        #expect(try Self.liquidatable([a], Self.paths(btc: ["20000", "20000"], eth: ["1000", "994.9"])).isEmpty)
    }

    /// Cross, 1000 collateral, long 1 BTC at 20 000 and long 10 ETH at 1000:
    /// maintenance 200 + 250 = 450 against equity 1000.
    /// - BTC 19 600 and ETH 980 at the same time: equity 1000 − 400 − 200 = 400 <
    ///   maintenance 196 + 245 = 441 ⇒ liquidatable.
    /// - The same two dips at different times: BTC 19 600 alone gives equity 600 ≥ 446,
    ///   ETH 980 alone 800 ≥ 445 ⇒ never liquidatable, although each market visits the
    ///   same minimum. No per-market extreme can tell these apart: the scope is evaluated
    ///   at every point.
    /// - BTC at 19 000, below its liquidation price with ETH held (1000 + (p − 20 000) =
    ///   250 + 0.01 p ⇒ 19 444.44), while ETH rallies to 1120: equity 1200 ≥ 190 + 280.
    @Test func twoMarketCrossNeedsBothToMove() throws {
        let a = Account(id: AccountID(6), collateral: q("1000"), positions: [
            Fixtures.long("1", at: "20000"), Fixtures.long("10", at: "1000", market: "ETH-PERP"),
        ])
        #expect(CascadeAnalysis.method(for: a, .cross) == .everyPoint)
        let together = Self.paths(btc: ["20000", "19600", "20000"], eth: ["1000", "980", "1000"])
        let apart = Self.paths(btc: ["20000", "19600", "20000"], eth: ["1000", "1000", "980"])
        let hedged = Self.paths(btc: ["20000", "19000"], eth: ["1000", "1120"])
        #expect(try Self.liquidatable([a], together) == [AccountID(6)])
        #expect(try Self.liquidatable([a], apart).isEmpty)
        #expect(try Self.liquidatable([a], hedged).isEmpty)
        let m = try MarginCalculator.metrics(a, Fixtures.context(btc: "20000"))
        #expect(m.positions.first { $0.position.market == "BTC-PERP" }?.liquidationPrice == px("19444.44444445"))
    }

    @Test func accountsWithoutPositionsAreNeverLiquidatable() throws {
        let a = Account(id: AccountID(7), collateral: q("1"))
        #expect(try Self.liquidatable([a], Self.paths(btc: ["1", "1000000"])).isEmpty)
    }

    @Test func pathsMustShareTheGrid() {
        let a = Account(id: AccountID(1), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")])
        #expect(throws: ConfigurationError.self) {
            try Self.liquidatable([a], ["BTC-PERP": [px("20000")], "ETH-PERP": [px("1000"), px("1000")]])
        }
        #expect(throws: ConfigurationError.self) { try Self.liquidatable([a], ["BTC-PERP": [px("20000")]]) }
        #expect(throws: ConfigurationError.self) { try Self.liquidatable([a], ["BTC-PERP": [], "ETH-PERP": []]) }
    }

    /// Beyond the rounding slack past the liquidation price, a lone position is never
    /// liquidatable: checked at every 10^-8 over a stretch, for several sizes and both sides.
    @Test(arguments: ["0.001", "0.137", "1", "3.3", "12.5"])
    func slackBoundsTheIntegerBoundary(size: String) throws {
        for long in [true, false] {
            let p = long ? Fixtures.long(size, at: "20000") : Fixtures.short(size, at: "20000")
            let collateral = Quote(e6: (try p.size.notional(at: px("20000"), .up)).e6 / 10)
            let a = Account(id: AccountID(1), collateral: collateral, positions: [p])
            let ctx = Fixtures.context(btc: "20000")
            let liq = try #require(try MarginCalculator.metrics(a, ctx).positions[0].liquidationPrice)
            let slack = CascadeAnalysis.roundingSlack(size: p.size, spec: Fixtures.btc())
            var probe = ctx
            for k in Int64(0)..<2000 {
                probe.marks["BTC-PERP"] = Price(e8: long ? liq.e8 + slack + k : liq.e8 - slack - k)
                #expect(!(try MarginCalculator.scopeMetrics(a, .cross, probe).isLiquidatable), "\(size) \(long ? "long" : "short") at +\(k)")
            }
        }
    }

    /// The fast path (lone positions against path extremes) agrees with evaluating every
    /// scope at every point, also for paths that touch the liquidation price to the 10^-8.
    @Test func agreesWithEvaluationAtEveryPoint() async {
        await propertyCheck(count: 300, input: CascadeCase.gen) { c in
            let accounts = c.accounts
            let paths = c.paths
            guard let fast = try? CascadeAnalysis.liquidatableOnExogenousPath(accounts: accounts, markets: Self.markets, paths: paths) else {
                Issue.record("analysis failed for \(c)"); return
            }
            var brute = Set<AccountID>()
            var ctx = MarginContext(markets: Self.markets, marks: [:])
            for i in 0..<c.length {
                for (m, path) in paths { ctx.marks[m] = path[i] }
                for a in accounts where a.scopes.contains(where: { (try? MarginCalculator.scopeMetrics(a, $0, ctx).isLiquidatable) == true }) {
                    brute.insert(a.id)
                }
            }
            #expect(fast == brute, "\(c)")
        }
    }
}

/// A few random accounts over BTC and ETH and a random path through both markets, with
/// some BTC points placed within a few 10^-8 … a few units of the first account's
/// liquidation price, where the integer roundings decide.
struct CascadeCase: Sendable, CustomStringConvertible {
    struct Holding: Sendable {
        var market: MarketID
        var sizeSteps: Int
        var short: Bool
        var isolated: Bool
    }
    var collaterals: [Int]
    var holdings: [[Holding]]
    var btcMoves: [Int]
    var ethMoves: [Int]
    var nearLiquidation: [Int]

    var length: Int { btcMoves.count + nearLiquidation.count }

    var accounts: [Account] {
        zip(collaterals, holdings).enumerated().map { i, pair in
            let (c, hs) = pair
            var a = Account(id: AccountID(UInt64(i + 1)), collateral: Quote(e6: Int64(c) * 1_000_000))
            for h in hs where a.position(in: h.market) == nil {
                let btc = h.market == "BTC-PERP"
                let size = Size(e8: Int64(h.sizeSteps) * (btc ? 100_000 : 1_000_000) * (h.short ? -1 : 1))
                let entry = btc ? px("20000") : px("1000")
                let notional = try! size.notional(at: entry, .up)
                // Isolated margin: 5 % … 30 % of the notional, from the size's own digits.
                let margin = h.isolated ? Quote(e6: notional.e6 * Int64(5 + h.sizeSteps % 26) / 100) : .zero
                a.setPosition(Position(market: h.market, size: size, entryPrice: entry, mode: h.isolated ? .isolated : .cross, isolatedMargin: margin))
            }
            return a
        }
    }

    var paths: [MarketID: [Price]] {
        var btc = btcMoves.map { Price(e8: (20_000 + Int64($0)) * 100_000_000 + Int64($0 * 7_919 % 100_000_000)) }
        // As long as the BTC path whatever the shrinker does to the ETH moves.
        var eth = btcMoves.indices.map { i in
            Price(e8: (1_000 + Int64(ethMoves.isEmpty ? 0 : ethMoves[i % ethMoves.count])) * 100_000_000)
        }
        let first = accounts.first { $0.positions.contains { $0.market == "BTC-PERP" } }
        let ctx = MarginContext(markets: CascadeAnalysisTests.markets, marks: ["BTC-PERP": px("20000"), "ETH-PERP": px("1000")])
        let liq = first.flatMap { a in
            (try? MarginCalculator.metrics(a, ctx))?.positions.first { $0.position.market == "BTC-PERP" }?.liquidationPrice
        } ?? px("19000")
        for d in nearLiquidation {
            btc.append(Price(e8: max(liq.e8 + Int64(d), 1)))
            eth.append(eth.last ?? px("1000"))
        }
        return ["BTC-PERP": btc, "ETH-PERP": eth]
    }

    var description: String {
        "accounts \(accounts.map { "\($0.id): \($0.collateral) \($0.positions.map { "\($0.market) \($0.size) \($0.mode)" })" }), paths \(paths)"
    }

    static let holding = zip(Gen.bool(0.7), Gen.int(in: 1...20_000), Gen.bool, Gen.bool(0.3)).map { t in
        let (btc, steps, short, isolated) = t
        return Holding(market: btc ? "BTC-PERP" : "ETH-PERP", sizeSteps: steps, short: short, isolated: isolated)
    }

    static let gen = zip(
        Gen.int(in: 1...20_000).array(of: 1...6),
        holding.array(of: 1...3).array(of: 6),
        Gen.int(in: -4_000...4_000).array(of: 1...20),
        Gen.int(in: -200...200).array(of: 20),
        Gen.oneOf(Gen.int(in: -3_000...3_000), Gen.int(in: -30...30), Gen.int(in: -300_000_000...300_000_000)).array(of: 0...8)
    ).map { t in
        let (collaterals, holdings, btc, eth, near) = t
        return CascadeCase(collaterals: collaterals, holdings: Array(holdings.prefix(collaterals.count)),
                           btcMoves: btc, ethMoves: eth, nearLiquidation: near)
    }
}

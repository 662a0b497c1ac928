import Foundation
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

    /// The same book (η = 5.7708e-8, κ = 1.3164e-3, floor 86 643/s, ceiling 1 250 000/s).
    /// Backlog 100 M and a trend of 0.001 %/s: the infinite trajectory starts at
    /// κX + μ/(2ηκ) = 131 638 + 65 819 = 197 458/s, the finite one at √(κ²X² + μX/η) =
    /// 186 165/s. No trend: both κX. No backlog in a fall of 0.1 %/s: the infinite one
    /// still asks μ/(2ηκ) = 6.58 M/s (the ceiling), the finite one nothing (the floor).
    /// No volatility (κ = 0), backlog 10 M, trend 0.01 %/s: finite √(μX/η) = 131 638/s.
    @Test func theFiniteHorizonPaceEndsWithTheBacklog() {
        var infinite = LiquidationBudgetConfiguration()
        infinite.paceHorizon = .infinite
        var finite = infinite
        finite.paceHorizon = .finite
        func rate(_ c: LiquidationBudgetConfiguration, backlog: Double, variance: Double = 1e-7, drift: Double) -> Double {
            LiquidationPace.compute(depth: 5e6, band: 0.01, backlog: backlog, variancePerSecond: variance, drift: drift, configuration: c).ratePerSecond
        }
        #expect(abs(rate(infinite, backlog: 100e6, drift: -1e-5) - 197_458) < 2)
        #expect(abs(rate(finite, backlog: 100e6, drift: -1e-5) - 186_165) < 2)
        #expect(abs(rate(finite, backlog: 100e6, drift: 0) - rate(infinite, backlog: 100e6, drift: 0)) < 1e-6)
        #expect(rate(infinite, backlog: 0, drift: -1e-3) == 1_250_000)
        #expect(abs(rate(finite, backlog: 0, drift: -1e-3) - 86_643.4) < 0.1)
        #expect(abs(rate(finite, backlog: 10e6, variance: 0, drift: 1e-4) - 131_638) < 2)
        #expect(LiquidationBudgetConfiguration().paceHorizon == .infinite)
    }

    /// The horizon is read from JSON (optional: a file without it keeps the default) and an
    /// unknown value is refused.
    @Test func thePaceHorizonIsAnOptionalSetting() throws {
        let decode = { (json: String) throws -> LiquidationBudgetConfiguration in
            try JSONDecoder().decode(LiquidationBudgetConfiguration.self, from: Data(json.utf8))
        }
        #expect(try decode(#"{"paceHorizon": "finite"}"#).paceHorizon == .finite)
        #expect(try decode(#"{"interval": "0.5"}"#).paceHorizon == .infinite)
        #expect(throws: (any Error).self) { try decode(#"{"paceHorizon": "sideways"}"#) }
    }

    /// A worker holding account 1 (collateral 1 000, long 1 BTC at 20 000; maintenance 1 %),
    /// the bids resting 1 000 000 inside a 1 % band, and the budget `budget` heard; then
    /// the marks 20 000 and 19 100 one second apart (no trend: too little history). At
    /// 19 100 equity is 100 against maintenance 191, a ratio of 0.524, above the hard
    /// floor of 0.5: a margin call with a grace window unless the projection says otherwise.
    static func workerAfterTheDrop(budget: Message.LiquidationBudget?) -> Worker {
        var w = Worker(configuration: WorkerConfiguration(id: "w1", shardCount: 1), markets: [Fixtures.btc()])
        let t0 = Instant.seconds(1)
        _ = w.start(now: t0)
        _ = w.receive(Envelope(sender: "coordinator", sentAt: t0, body: .shardAssignment(Message.ShardAssignment(workerID: "w1", epoch: 1, shards: [0]))),
                      from: .coordinator, now: t0)
        _ = w.onShardLoaded(shard: 0, epoch: 1, records: [AccountRecord(account: Account(id: AccountID(1), collateral: q("1000"),
                                                                                           positions: [Position(market: "BTC-PERP", size: sz("1"), entryPrice: px("20000"))]))],
                            now: t0)
        _ = w.receive(Self.depth(at: t0), from: .venue, now: t0)
        if let budget { _ = w.receive(Envelope(sender: "aggregator", sentAt: t0, body: .liquidationBudget(budget)), from: .aggregator, now: t0) }
        for (i, p) in ["20000", "19100"].enumerated() {
            let at = t0 + .seconds(Int64(i))
            _ = w.receive(Envelope(sender: "venue", sentAt: at, body: .markPrice(Message.MarkPrice(market: "BTC-PERP", price: px(p), sequence: UInt64(i + 1), at: at))),
                          from: .venue, now: at)
        }
        return w
    }

    /// BTC-PERP's book at 20 000: 1 000 000 resting on each side inside a 1 % band.
    static func depth(at t: Instant) -> Envelope {
        Envelope(sender: "venue", sentAt: t, body: .depthSummary(Message.DepthSummary(
            market: "BTC-PERP", fairPrice: px("20000"), bestBid: px("19999.9"), bestAsk: px("20000.1"),
            bidDepthInBand: q("1000000"), askDepthInBand: q("1000000"), band: rate("0.01"), at: t)))
    }

    static func budget(rate: String, sell: String, buy: String = "0") -> Message.LiquidationBudget {
        Message.LiquidationBudget(market: "BTC-PERP", sequence: 1, ratePerSecond: q(rate), cutoffRatioPpm: nil, cutoffAccount: AccountID(0), at: .seconds(1),
                                  sellFlow: q(sell), buyFlow: q(buy))
    }

    static func phase(_ w: Worker) -> LiquidationPhase? { w.accounts[AccountID(1)]?.scopes.first?.state.phase }

    /// The cluster's queued selling, walked through the bids, is projected against a long
    /// over its grace window: 100 000 to sell into 1 000 000 of bids over a 1 % band moves
    /// the mark 0.1 %, to 19 080.9, where the scope's ratio is 80.9 / 190.8 = 0.42, below
    /// the hard floor: no grace, the liquidation starts at once. A tenth of that (0.01 %,
    /// 19 098.09, ratio 0.514) leaves the grace window as it was; so do queued buys, which
    /// move the mark the long's way, and a budget whose rate sends only 10 000 of the
    /// 100 000 within the 10 s grace window.
    @Test func theQueuedFlowsProjectedMoveCanEndTheGraceWindow() {
        #expect(Self.phase(Self.workerAfterTheDrop(budget: nil)) == .marginCall)
        let heavy = Self.workerAfterTheDrop(budget: Self.budget(rate: "1000000", sell: "100000"))
        #expect(heavy.queuedFlowMove("BTC-PERP", long: true, horizon: .seconds(10)) == Rate(ppm: 1_000))
        #expect(heavy.queuedFlowMove("BTC-PERP", long: false, horizon: .seconds(10)) == .zero)
        #expect(Self.phase(heavy) == .liquidating)
        let light = Self.workerAfterTheDrop(budget: Self.budget(rate: "1000000", sell: "10000"))
        #expect(light.queuedFlowMove("BTC-PERP", long: true, horizon: .seconds(10)) == Rate(ppm: 100))
        #expect(Self.phase(light) == .marginCall)
        #expect(Self.phase(Self.workerAfterTheDrop(budget: Self.budget(rate: "1000000", sell: "0", buy: "100000"))) == .marginCall)
        let slow = Self.workerAfterTheDrop(budget: Self.budget(rate: "1000", sell: "100000"))
        #expect(slow.queuedFlowMove("BTC-PERP", long: true, horizon: .seconds(10)) == Rate(ppm: 100))
        #expect(Self.phase(slow) == .marginCall)
        // More than the band's depth is projected as the band, no further (the depth past it
        // is unknown).
        var flood = Self.workerAfterTheDrop(budget: Self.budget(rate: "100000000", sell: "50000000"))
        #expect(flood.queuedFlowMove("BTC-PERP", long: true, horizon: .seconds(10)) == Rate(ppm: 10_000))
        #expect(flood.queuedMoves["BTC-PERP"]?.long == Rate(ppm: 10_000))
        // An aggregator silent past the timeout: the queue it last described is not
        // projected any more (until its next budget).
        _ = flood.onWake(now: .seconds(1) + WorkerConfiguration(id: "w1", shardCount: 1).controlSilenceTimeout + .seconds(2))
        #expect(flood.queuedMoves.isEmpty)
    }

    /// A scope in its grace window is in the backlog the worker reports (it is about to
    /// sell unless topped up), with the flow it is expected to send: what restores its
    /// target at the mark, the worked example of docs/tranche-planner.md: shortfall
    /// 191 + 95.5 − 100 = 186.5 over a relief of 1 % + 0.5 % − 0.2 % per unit sold, 14 346.15
    /// (rounded up), to sell. All-or-nothing would send the whole position. It has no
    /// tranche due yet.
    @Test func aScopeInGraceIsInTheReportedBacklogWithItsRestoringFlow() {
        var w = Self.workerAfterTheDrop(budget: nil)
        #expect(Self.phase(w) == .marginCall)
        let report = w.demandReport(now: .seconds(3))
        guard case .send(_, let e) = report, case .liquidationDemand(let d) = e.body, let entry = d.entries.first(where: { $0.market == "BTC-PERP" }) else {
            Issue.record("no demand report: \(report)")
            return
        }
        #expect(entry.backlog == q("19100"))
        #expect(entry.sellFlow == q("14346.153847"))
        #expect(entry.buyFlow == .zero)
        #expect(entry.tranches.isEmpty)
        let account = w.accounts[AccountID(1)]!.account
        #expect(AllOrNothingPolicy().expectedFlow(account: account, scope: .cross, context: w.context).map(\.notional) == [q("19100")])
        // Bankrupt (equity −100 at 18 900): the whole position, whatever the policy.
        var bankrupt = w.context
        bankrupt.setMark(px("18900"), for: "BTC-PERP")
        #expect(StepwisePolicy().expectedFlow(account: account, scope: .cross, context: bankrupt).map(\.notional) == [q("18900")])
    }

    /// The aggregator adds the workers' flows up per side into its broadcast, each bounded
    /// by the backlog its worker reported (a worker says what it holds, nothing more): w1
    /// reports a backlog of 100 with flows 30 to sell and 20 to buy; w2 a backlog of 50 with
    /// 80 to sell and 10 to buy, cut to 50 and 0.
    @Test func theBudgetCarriesTheWorkersFlowsBoundedByTheirBacklogs() throws {
        var a = try ReliableDeliveryTests.aggregator()
        let t = Instant.seconds(1)
        _ = a.receive(Envelope(sender: "venue", sentAt: t, body: .markPrice(.init(market: "BTC-PERP", price: px("20000"), sequence: 1, at: t))), from: .venue, now: t)
        _ = a.receive(Self.depth(at: t), from: .venue, now: t)
        for (w, backlog, sell, buy) in [("w1", "100", "30", "20"), ("w2", "50", "80", "10")] {
            _ = a.receive(Envelope(sender: "worker:\(w)", sentAt: t, body: .liquidationDemand(.init(entries: [
                .init(market: "BTC-PERP", backlog: q(backlog), sellFlow: q(sell), buyFlow: q(buy), tranches: []),
            ], at: t))), from: .worker(w), now: t)
        }
        let budgets = a.onWake(now: .seconds(2)).compactMap { d -> Message.LiquidationBudget? in
            if case .publish(.control, let e) = d, case .liquidationBudget(let b) = e.body { return b } else { return nil }
        }
        let b = try #require(budgets.first)
        #expect(b.sellFlow == q("80"))
        #expect(b.buyFlow == q("20"))
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
